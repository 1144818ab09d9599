"""Views of the safety domain, one module per area; the addresses are in urls.py (resident pages),
api_urls.py (JSON at /api/safety/) and cap_urls.py (the CAP feed)."""
