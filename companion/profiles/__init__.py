"""The client's profile over three years: corrections with their history, the move into
support, a changed job or supporter, leaving work, and the end of support."""
