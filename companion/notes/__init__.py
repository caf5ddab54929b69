"""Notes: the client's worries and wins, their API and their pages."""
