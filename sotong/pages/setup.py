"""The site's page tree: a home page, the department directory, 행복공감 stories and 구정소식 news in Korean,
English and Chinese; the editors' groups and the 팀장 review workflow.

Idempotent: pages that exist are left as editors made them; missing ones are created.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from sotong.pages.models import DirectoryPage, HomePage, NewsIndexPage, StoryIndexPage
from sotong.pages.workflow import setup_editorial_workflow

CONTENT: dict[str, dict[str, Any]] = {
    "ko": {
        "home_title": "영등포구와 소통하세요",
        "home_intro": "<p>궁금한 것, 불편한 것, 제안하고 싶은 것을 알려 주세요. 모든 부서의 SNS 소통 주무관이 정해진 기한 안에 답합니다.</p>",
        "directory_title": "부서 안내",
        "directory_intro": "<p>어떤 일을 어느 부서가 맡는지, 누가 답하는지 알려 드립니다.</p>",
        "links_heading": "자주 찾는 곳",
        "directory_link_text": "업무별 담당 부서와 SNS 소통 주무관",
        "stories_title": "행복공감",
        "stories_intro": "<p>달마다 한 편, 영등포구의 이웃과 골목, 사람과 장소 이야기를 전합니다.</p>",
        "news_title": "구정소식",
        "news_intro": "<p>영등포구의 공지, 보도자료, 행사, 안전과 복지 소식입니다.</p>",
    },
    "en": {
        "home_title": "Talk with Yeongdeungpo-gu",
        "home_intro": "<p>Tell us what you want to know, what is wrong or what you propose. An SNS communication officer in every department answers within a set deadline.</p>",
        "directory_title": "Departments",
        "directory_intro": "<p>Which department handles what, and who answers you.</p>",
        "links_heading": "Popular",
        "directory_link_text": "Who handles what, and each department's SNS officer",
        "stories_title": "Happiness Stories",
        "stories_intro": "<p>Every month, a story about the neighbours, alleys, people and places of Yeongdeungpo-gu.</p>",
        "news_title": "District News",
        "news_intro": "<p>Notices, press releases, events, safety and welfare news from Yeongdeungpo-gu.</p>",
    },
    "zh-hans": {
        "home_title": "与永登浦区沟通",
        "home_intro": "<p>请告诉我们您的疑问、不便或建议。每个部门的SNS沟通专员都会在规定期限内答复。</p>",
        "directory_title": "部门指南",
        "directory_intro": "<p>哪个部门负责什么事务，由谁答复您。</p>",
        "links_heading": "常用服务",
        "directory_link_text": "各项事务的负责部门与SNS沟通专员",
        "stories_title": "幸福共感",
        "stories_intro": "<p>每月一篇，讲述永登浦区的邻里、小巷、人物与地方的故事。</p>",
        "news_title": "区政新闻",
        "news_intro": "<p>永登浦区的公告、新闻稿、活动以及安全与福利消息。</p>",
    },
}


def _locale(code: str) -> Locale:
    locale, _ = Locale.objects.get_or_create(language_code=code)
    return locale


@transaction.atomic
def setup_site(*, hostname: str = "localhost", port: int = 80) -> HomePage:
    default_locale = _locale(settings.LANGUAGE_CODE)
    for code, _name in settings.LANGUAGES:
        _locale(code)

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = HomePage.objects.filter(locale=default_locale).first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=default_locale))
        text = CONTENT[settings.LANGUAGE_CODE]
        home = HomePage(
            title=text["home_title"], slug="sotong", intro=text["home_intro"], locale=default_locale
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    if site is None:
        site = Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="소통"
        )
    elif site.root_page_id != home.pk:
        placeholder = site.root_page
        site.root_page = home
        site.save(update_fields=["root_page"])
        # Wagtail's "Welcome to your new Wagtail site!" page has no place in the district's site.
        if placeholder.specific_class is Page and not placeholder.get_children().exists():
            placeholder.delete()

    directory = DirectoryPage.objects.child_of(home).first()
    if directory is None:
        text = CONTENT[settings.LANGUAGE_CODE]
        directory = DirectoryPage(
            title=text["directory_title"],
            slug="departments",
            intro=text["directory_intro"],
            show_in_menus=True,
        )
        home.add_child(instance=directory)
        directory.save_revision().publish()
    _fill_home_links(HomePage.objects.get(pk=home.pk), directory, CONTENT[settings.LANGUAGE_CODE])
    sections = [
        _section(home, StoryIndexPage, "stories", "stories_title", "stories_intro"),
        _section(home, NewsIndexPage, "news", "news_title", "news_intro"),
    ]

    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        locale, text = _locale(code), CONTENT[code]
        home_tr = home.get_translation_or_none(locale)
        if home_tr is None:
            home_tr = home.copy_for_translation(locale).specific
            home_tr.title, home_tr.intro = text["home_title"], text["home_intro"]
            home_tr.body = []
            home_tr.save_revision().publish()
        directory_tr = directory.get_translation_or_none(locale)
        if directory_tr is None:
            directory_tr = directory.copy_for_translation(locale).specific
            directory_tr.title, directory_tr.intro = text["directory_title"], text["directory_intro"]
            directory_tr.save_revision().publish()
        for section in sections:
            if section.get_translation_or_none(locale) is None:
                copy = section.copy_for_translation(locale).specific
                key = "stories" if isinstance(copy, StoryIndexPage) else "news"
                copy.title, copy.intro = text[f"{key}_title"], text[f"{key}_intro"]
                copy.save_revision().publish()
        # Re-read the home page: adding the directory under it changed its tree fields (numchild),
        # and publishing a stale copy would write them back.
        _fill_home_links(HomePage.objects.get(pk=home_tr.pk), directory_tr, text)
    setup_editorial_workflow(homes=list(HomePage.objects.all()))
    return home


def _section(home: HomePage, model: type[Page], slug: str, title_key: str, intro_key: str) -> Page:
    section = model.objects.child_of(home).first()
    if section is None:
        text = CONTENT[settings.LANGUAGE_CODE]
        section = model(title=text[title_key], slug=slug, intro=text[intro_key], show_in_menus=True)
        home.add_child(instance=section)
        section.save_revision().publish()
    return section


def _fill_home_links(home: HomePage, directory: Page, text: dict[str, str]) -> None:
    if len(home.body):
        return
    home.body = json.dumps(
        [
            {"type": "heading", "value": text["links_heading"]},
            {
                "type": "links",
                "value": [
                    {
                        "title": text["directory_title"],
                        "text": text["directory_link_text"],
                        "page": directory.pk,
                        "url": "",
                    }
                ],
            },
        ]
    )
    home.save_revision().publish()
