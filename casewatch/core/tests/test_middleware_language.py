"""Pages default to Chinese whatever the browser asks; the API honours Accept-Language."""

import pytest


@pytest.mark.django_db
def test_pages_default_to_chinese_even_for_an_english_browser(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.content.decode()


@pytest.mark.django_db
def test_the_language_cookie_wins(client):
    client.cookies["django_language"] = "en"
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert 'lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_api_errors_follow_accept_language(client):
    zh = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="zh-CN").json()["message"]
    en = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    assert en.startswith("Authentication required")
    assert zh != en
