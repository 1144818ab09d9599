from __future__ import annotations


class Open311Error(Exception):
    """A request the API refuses: the HTTP status and one or more descriptions for the client.

    Descriptions are in English: they are read by the app's developers, and every Open311 client
    already shows English errors.
    """

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = list(descriptions) or ["The request cannot be processed."]
