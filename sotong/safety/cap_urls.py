"""The district's CAP 1.2 feed at /cap/ (Atom index and one document per alert)."""

from __future__ import annotations

from sotong.safety import views_cap

app_name = "safety_cap"

urlpatterns: list = [*views_cap.urlpatterns]
