"""Open311 GeoReport v2 at /open311/v2/: the district's services and service requests for outside apps.

Reads are public; creating a request needs an API key (``sotong open311_key create NAME``). Responses
follow the spec's XML and its Spark-convention JSON; FixMyStreet's ``servicerequestupdates`` extension
lists what happened to requests.
"""
