"""Writes of 소통TV: the schedule (services.broadcasts), stream keys (services.keys) and what an ingest
front reports (services.ingest)."""
