"""Site search that works for Korean (see ``text``)."""
