import pytest
from django.db import connections


@pytest.mark.django_db
def test_healthz_reports_each_service(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["cache"] == "ok"
    assert body["broker"] in {"ok", "eager"}


@pytest.mark.django_db
def test_healthz_says_nothing_secret(client, settings):
    text = client.get("/healthz").content.decode()
    for secret in (settings.SECRET_KEY, str(settings.DATABASES["default"]["NAME"])):
        assert secret not in text


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_is_down(client):
    connection = connections["default"]
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the in-memory SQLite test database cannot be taken down; runs on PostgreSQL")
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_favicon_is_linked_and_served(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.ico"
    assert finders.find("favicon.ico")
    assert '<link rel="icon" href="/static/favicon.ico"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_htmx_adds_no_inline_style_the_csp_would_refuse(client):
    html = client.get("/").content.decode()
    assert '"includeIndicatorStyles":false' in html
