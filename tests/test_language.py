"""Chinese first: pages are zh-hans unless the user picks English; the API follows the client."""

from django.test import Client


def test_an_english_browser_still_gets_a_chinese_login_page(db):
    page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in page.content.decode()


def test_choosing_english_switches_the_pages(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/")
    assert '<html lang="en">' in page.content.decode()


def test_the_api_follows_the_clients_accept_language(db):
    english = Client().get("/api/v1/accounts/me", HTTP_ACCEPT_LANGUAGE="en")
    chinese = Client().get("/api/v1/accounts/me")
    assert english.json()["message"] != chinese.json()["message"]
