"""CAP 1.2 (Common Alerting Protocol): safe reading and validation, building, and adapters for the
Korean feeds that are not CAP."""
