"""Kakao and Naver sign-in drive allauth's OAuth 2.0 flow against a loopback fake of each provider's token and
profile endpoints, checking the requests their documentation asks for (Kakao Login REST API; 네이버 로그인 API)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from sotong.petitions.identity import SESSION_KEY, identity_digest

pytestmark = pytest.mark.django_db

PROFILES = {
    "/v2/user/me": {
        "id": 4242001,
        "connected_at": "2026-03-09T01:00:00Z",
        "properties": {"nickname": "민지"},
    },
    "/v1/nid/me": {
        "resultcode": "00",
        "message": "success",
        "response": {"id": "naver-abc-123", "nickname": "민지"},
    },
}


class FakeProvider(BaseHTTPRequestHandler):
    seen: list[dict[str, Any]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self, body: dict[str, Any], status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # the token endpoint
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.seen.append({"method": "POST", "path": self.path, "form": form, "headers": dict(self.headers)})
        if form.get("grant_type") != "authorization_code" or form.get("code") != "the-code":
            self._reply({"error": "invalid_grant"}, 400)
            return
        self._reply({"access_token": "fake-access-token", "token_type": "bearer", "expires_in": 21599})

    def do_GET(self) -> None:  # the profile endpoint
        self.seen.append({"method": "GET", "path": self.path, "headers": dict(self.headers)})
        if self.headers.get("Authorization") != "Bearer fake-access-token":
            self._reply({"msg": "this access token does not exist"}, 401)
            return
        self._reply(PROFILES[urlsplit(self.path).path])


@pytest.fixture
def fake_provider(settings: Any) -> Iterator[list[dict[str, Any]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    FakeProvider.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.PETITIONS_OAUTH_HOSTS = {
        "kauth.kakao.com": base,
        "kapi.kakao.com": base,
        "nid.naver.com": base,
        "openapi.naver.com": base,
    }
    settings.KAKAO_LOGIN_CLIENT_ID, settings.KAKAO_LOGIN_CLIENT_SECRET = "kakao-rest-key", "kakao-secret"
    settings.NAVER_LOGIN_CLIENT_ID, settings.NAVER_LOGIN_CLIENT_SECRET = "naver-client", "naver-secret"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "kakao": {"APPS": [{"client_id": "kakao-rest-key", "secret": "kakao-secret"}]},
        "naver": {"APPS": [{"client_id": "naver-client", "secret": "naver-secret"}]},
    }
    yield FakeProvider.seen
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("provider", "authorize_host", "token_path", "profile_path", "uid"),
    [
        ("kakao", "kauth.kakao.com", "/oauth/token", "/v2/user/me", "4242001"),
        ("naver", "nid.naver.com", "/oauth2.0/token", "/v1/nid/me", "naver-abc-123"),
    ],
)
def test_a_social_sign_in_verifies_the_resident_and_keeps_only_a_digest(
    client: Any,
    fake_provider: list[dict[str, Any]],
    district: Any,
    provider: str,
    authorize_host: str,
    token_path: str,
    profile_path: str,
    uid: str,
) -> None:
    from allauth.socialaccount.models import SocialAccount
    from django.contrib.auth import get_user_model

    users_before = get_user_model().objects.count()
    start = client.post(f"/verify/oauth/{provider}/login/?process=login&next=/mayor/proposals/")
    assert start.status_code == 302
    authorize = urlsplit(start["Location"])
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert authorize.netloc == authorize_host
    assert query["response_type"] == "code"
    assert query["client_id"] == f"{provider}-rest-key" if provider == "kakao" else "naver-client"
    callback = f"http://testserver/verify/oauth/{provider}/login/callback/"
    assert query["redirect_uri"] == callback
    assert query["state"]

    done = client.get(
        f"/verify/oauth/{provider}/login/callback/", {"code": "the-code", "state": query["state"]}
    )

    assert done.status_code == 302
    assert done["Location"] == "/mayor/proposals/"
    token, profile = fake_provider
    assert (token["method"], token["path"]) == ("POST", token_path)
    assert token["form"]["grant_type"] == "authorization_code"
    assert token["form"]["code"] == "the-code"
    assert token["form"]["redirect_uri"] == callback
    assert (profile["method"], urlsplit(profile["path"]).path) == ("GET", profile_path)
    assert profile["headers"]["Authorization"] == "Bearer fake-access-token"
    stored = client.session[SESSION_KEY]
    assert stored["provider"] == provider
    assert stored["digest"] == identity_digest(provider=provider, subject=uid)
    assert uid not in json.dumps(dict(client.session))
    assert not SocialAccount.objects.exists()
    assert get_user_model().objects.count() == users_before


def test_a_refused_code_sends_the_resident_back_with_a_korean_message(
    client: Any, fake_provider: Any, district: Any
) -> None:
    start = client.post("/verify/oauth/kakao/login/?process=login&next=/mayor/proposals/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    done = client.get("/verify/oauth/kakao/login/callback/", {"code": "wrong", "state": state}, follow=True)
    assert "간편 로그인으로 본인 확인을 하지 못했습니다" in done.content.decode()
    assert SESSION_KEY not in client.session


def test_social_sign_in_is_off_without_its_client_id(client: Any, district: Any) -> None:
    html = client.get("/mayor/verify/").content.decode()
    assert "카카오 로그인" not in html and "네이버 로그인" not in html
