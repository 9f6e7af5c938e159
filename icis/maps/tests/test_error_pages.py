"""Error pages are ICIS pages in the user's language (with the menu), not Django's bare English ones."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_a_wrong_address_is_a_vietnamese_page_with_the_menu(page, hanoi):
    response = page.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-status="404"' in html and "Không tìm thấy trang" in html and 'class="navbar' in html


def test_a_forbidden_page_is_a_vietnamese_page(client, hanoi, django_user_model):
    user = django_user_model.objects.create_user(username="nobody", password="a-long-password-1")
    client.force_login(user)
    response = client.get("/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-status="403"' in html and "Không được phép" in html and "403 Forbidden" not in html


def test_english_follows_the_language_choice(page, hanoi):
    page.cookies["django_language"] = "en"
    html = page.get("/clusters/999999999/").content.decode()
    assert "Page not found" in html


def test_the_server_error_page_needs_no_database():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Lỗi máy chủ" in html and "Server error" in html
