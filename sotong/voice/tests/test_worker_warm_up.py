from __future__ import annotations

from django.apps import apps

from sotong.voice import routing


def test_a_worker_warm_up_leaves_the_routing_model_loaded() -> None:
    routing.reload_model()

    apps.get_app_config("voice").warm_up()  # type: ignore[attr-defined]

    assert routing._model is not None
