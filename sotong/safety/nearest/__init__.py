"""The nearest suitable shelters, answered from memory: `records` (what each facility contributes, and the
index they make up), `ranking` (the order), `index` (the per-process index and its freshness), `document`
(facilities.json, for the ranking on the device), `payload` (the API's query, answer and headers, shared
with the fast path) and `geometry` (bearing and compass points). Opening hours: safety/hours.py."""
