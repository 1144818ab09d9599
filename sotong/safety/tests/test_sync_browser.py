"""The optional sync account in Chromium: 민지 signs in on her phone and her laptop (two browser contexts)
with links from the e-mail outbox, each device sees the other's places and household, a change made
offline goes out when the phone is back online, and deleting the account signs the laptop out while its
places stay. axe-core is clean on the new screens in the three languages; screenshots in
artifacts/screenshots/."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sotong.connectors.models import Delivery
from sotong.safety.models import Subscriber, SyncAccount, SyncPlace
from sotong.safety.tests.pages_fixtures import make_facilities, make_guides
from tests.browser.resident import axe_clean

pytestmark = pytest.mark.browser


@pytest.fixture
def safety_site(transactional_db: Any, live_server: Any, site_pages: Any) -> str:
    make_guides()
    make_facilities()
    return str(live_server.url)


@pytest.fixture
def devices(chromium_browser: Any) -> Iterator[tuple[Any, Any]]:
    """민지's phone and laptop: two browsers that share nothing but her e-mail."""
    phone = chromium_browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
    laptop = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    for context in (phone, laptop):
        # Generous: in CI this runs beside the other shape's pass and its browsers on two cores, where a
        # sign-in round trip once took longer than 15 s.
        context.set_default_timeout(30_000)
    yield phone, laptop
    phone.close()
    laptop.close()


def latest_link(site: str) -> str:
    mail = Delivery.objects.filter(channel="email").latest("pk")
    return site + re.search(
        r"/\S*safety/sync/sign-in/\?t=\S+", mail.payload["text"].split("://", 1)[1]
    ).group(0)


def sign_in(page: Any, site: str, email: str = "minji@example.com") -> None:
    page.goto(site + "/safety/")
    sync = page.locator("#sync")
    sync.get_by_label("이메일 주소").fill(email)
    sync.get_by_role("button", name="로그인 링크 받기").click()
    page.get_by_text("로그인 링크를 보냈습니다. 15분 안에 메일의 링크를 이 기기에서 여세요.").wait_for()
    page.goto(latest_link(site))
    page.get_by_role("button", name="이 기기에서 로그인").click()
    page.wait_for_url(re.compile(r"/safety/\?sync=signed-in#sync$"))
    page.locator("#sync-welcome").wait_for()
    page.locator("#sync-summary").get_by_text("로그인한 기기: ", exact=False).wait_for()


SYNCED = "() => { const s = JSON.parse(localStorage.getItem('sotong.safety.sync') || '{}'); return s.on && s.last && !s.dirty; }"


def place_texts(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#place-list li > span").all_inner_texts()]


def save_place(page: Any, label: str, dong: str) -> None:
    page.locator("#place-label").select_option(label)
    page.locator("#place-dong").select_option(dong)
    page.get_by_role("button", name="장소 저장").click()


def test_two_devices_signed_in_to_one_account_see_each_others_places(
    safety_site: str, devices: tuple[Any, Any], shots: Path
) -> None:
    phone_context, laptop_context = devices
    phone = phone_context.new_page()
    laptop = laptop_context.new_page()

    # On the phone, before any account: a home and an older person in the household, on the device only.
    phone.goto(safety_site + "/safety/")
    save_place(phone, "home", "dangsan1")
    phone.get_by_text("집 (당산1동) 장소를 저장했습니다.").wait_for()
    phone.get_by_label("어르신").check()
    assert not SyncAccount.objects.exists()

    sign_in(phone, safety_site)
    assert phone.locator("#places-sync-hint").is_visible()
    axe_clean(phone, "safety-sync-signed-in-phone-ko", shots)
    phone.locator("#sync").screenshot(path=str(shots / "safety-sync-section-signed-in-phone-ko.png"))
    account = SyncAccount.objects.get()
    assert account.places.filter(deleted=False).count() == 1

    # The laptop signs in to the same account and gets the phone's place and household.
    sign_in(laptop, safety_site)
    laptop.locator("#place-list").get_by_text("집 (당산1동)").wait_for()
    assert laptop.get_by_label("어르신").is_checked()
    laptop.get_by_text("이 계정에 로그인한 기기: 2대").wait_for()

    # A place added on the laptop shows on the phone.
    save_place(laptop, "work", "yeoui")
    laptop.get_by_text("직장 (여의동) 장소를 저장했습니다.").wait_for()
    laptop.wait_for_function(SYNCED)
    phone.get_by_role("button", name="지금 동기화").click()
    phone.locator("#sync-status").get_by_text("동기화했습니다.").wait_for()
    assert place_texts(phone) == ["집 (당산1동)", "직장 (여의동)"]
    laptop.screenshot(path=str(shots / "safety-sync-laptop-ko.png"), full_page=True)

    # Offline, the phone removes home and adds a pet: kept, and sent when it is online again.
    phone_context.set_offline(True)
    phone.get_by_role("button", name="지우기 집 (당산1동)").click()
    phone.get_by_label("반려동물").check()
    phone.locator("#sync-status").get_by_text("인터넷에 연결되지 않아", exact=False).wait_for()
    assert SyncPlace.objects.filter(deleted=False).count() == 2
    phone_context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_function(SYNCED)
    assert SyncPlace.objects.filter(deleted=False).count() == 1
    laptop.reload()
    laptop.locator("#place-list").get_by_text("집 (당산1동)").wait_for(state="detached")
    laptop.wait_for_function(SYNCED)
    assert place_texts(laptop) == ["직장 (여의동)"]
    assert laptop.get_by_label("반려동물").is_checked() and laptop.get_by_label("어르신").is_checked()

    # The phone deletes the account: the laptop is told at its next sync, and keeps its places.
    phone.get_by_role("button", name="계정 삭제").click()
    phone.get_by_role("button", name="계정 지우기").click()
    phone.get_by_text("동기화 계정과 계정에 저장된 장소·가구 정보를 모두 지웠습니다.", exact=False).wait_for()
    assert phone.get_by_label("이메일 주소").is_visible()
    assert not SyncAccount.objects.exists() and not SyncPlace.objects.exists()
    laptop.get_by_role("button", name="지금 동기화").click()
    laptop.get_by_text("더 이상 동기화 계정에 로그인되어 있지 않습니다", exact=False).first.wait_for()
    assert place_texts(laptop) == ["직장 (여의동)"]


def test_signing_out_can_forget_the_devices_copy(safety_site: str, devices: tuple[Any, Any]) -> None:
    phone = devices[0].new_page()
    phone.goto(safety_site + "/safety/")
    save_place(phone, "parents", "yeoui")
    sign_in(phone, safety_site)
    phone.get_by_label("로그아웃할 때 이 기기에 저장된 장소와 가구 정보도 지우기", exact=False).check()
    phone.get_by_role("button", name="이 기기에서 로그아웃").click()
    phone.get_by_text("이 기기에서 로그아웃하고, 이 기기에 저장된 장소와 가구 정보를 지웠습니다.").wait_for()
    assert place_texts(phone) == []
    # The account keeps the place for the resident's other devices.
    assert SyncPlace.objects.filter(deleted=False).count() == 1
    assert phone.evaluate("document.activeElement.id") == "sync-email"


SLOW_SYNCS = """() => {
  const original = window.fetch;
  window.fetch = (url, options) => String(url).includes('/sync/data') && options && options.method === 'POST'
    ? new Promise((resolve) => setTimeout(resolve, 1500)).then(() => original(url, options))
    : original(url, options);
}"""


def test_a_sync_under_way_when_signing_out_and_forgetting_brings_nothing_back(
    safety_site: str, devices: tuple[Any, Any]
) -> None:
    phone = devices[0].new_page()
    phone.goto(safety_site + "/safety/")
    save_place(phone, "parents", "yeoui")
    sign_in(phone, safety_site)
    phone.wait_for_function(SYNCED)
    # The network is slow: a sync is still under way when the resident signs out and forgets.
    phone.evaluate(SLOW_SYNCS)
    phone.get_by_role("button", name="지금 동기화").click()
    phone.get_by_label("로그아웃할 때 이 기기에 저장된 장소와 가구 정보도 지우기", exact=False).check()
    phone.get_by_role("button", name="이 기기에서 로그아웃").click()
    forgotten = phone.get_by_text("이 기기에서 로그아웃하고, 이 기기에 저장된 장소와 가구 정보를 지웠습니다.")
    forgotten.wait_for()
    # The slow sync's answer arrives afterwards and changes nothing.
    phone.wait_for_timeout(2500)
    assert forgotten.is_visible()
    assert place_texts(phone) == []


def test_a_device_subscribed_to_alerts_keeps_its_subscription_in_step_with_synced_places(
    safety_site: str, devices: tuple[Any, Any]
) -> None:
    phone_context, laptop_context = devices
    phone, laptop = phone_context.new_page(), laptop_context.new_page()
    sign_in(phone, safety_site)
    # The phone took alerts earlier (its browser holds the subscription's token, as after "알림 받기").
    subscriber = Subscriber.objects.create(
        channel=Subscriber.Channel.WEBPUSH,
        endpoint="https://fcm.googleapis.com/fcm/send/phone",
        contact_digest="phone-of-minji",
        confirmed=True,
    )
    phone.evaluate(
        "token => localStorage.setItem('sotong.safety.push', JSON.stringify({token}))", str(subscriber.token)
    )
    sign_in(laptop, safety_site)
    save_place(laptop, "work", "yeoui")
    laptop.wait_for_function(SYNCED)
    phone.get_by_role("button", name="지금 동기화").click()
    phone.locator("#place-list").get_by_text("직장 (여의동)").wait_for()
    deadline = time.monotonic() + 10
    while not subscriber.places.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [(p.label, p.dong.code if p.dong else None) for p in subscriber.places.all()] == [
        ("직장", "yeoui")
    ]


def test_the_sync_screens_have_no_serious_axe_violation(
    safety_site: str, devices: tuple[Any, Any], shots: Path
) -> None:
    page = devices[1].new_page()
    sign_in(page, safety_site)
    page.get_by_role("button", name="계정 삭제").click()
    page.locator("#sync-delete-confirm").wait_for()
    axe_clean(page, "safety-sync-delete-confirm-ko", shots)
    page.locator("#sync").screenshot(path=str(shots / "safety-sync-section-delete-confirm-ko.png"))
    for prefix, lang in (("", "ko"), ("/en", "en"), ("/zh-hans", "zh-hans")):
        page.goto(safety_site + prefix + "/safety/#sync")
        page.locator("#sync-signed-in").wait_for()
        axe_clean(page, f"safety-sync-signed-in-{lang}", shots)
        page.locator("#sync").screenshot(path=str(shots / f"safety-sync-section-signed-in-{lang}.png"))
        page.goto(safety_site + prefix + "/safety/sync/sign-in/?t=whatever")
        axe_clean(page, f"safety-sync-sign-in-page-{lang}", shots)
        page.get_by_role("button").filter(has_not_text="메뉴").last.click()
        page.get_by_role("alert").wait_for()
        axe_clean(page, f"safety-sync-sign-in-refused-{lang}", shots)
    other = devices[0].new_page()
    for prefix, lang in (("", "ko"), ("/en", "en"), ("/zh-hans", "zh-hans")):
        other.goto(safety_site + prefix + "/safety/#sync")
        other.locator("#sync-sign-in-form").wait_for()
        other.locator("#sync-email").fill("not-an-address")
        other.locator("#sync-sign-in-form button[type=submit]").click()
        other.locator("#sync-email[aria-invalid=true]").wait_for()
        axe_clean(other, f"safety-sync-signed-out-{lang}", shots)
        other.locator("#sync").screenshot(path=str(shots / f"safety-sync-section-signed-out-{lang}.png"))
