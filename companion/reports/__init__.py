"""Monthly reports: the record, the client's and the employer's copies, their API and pages."""
