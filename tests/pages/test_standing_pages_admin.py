"""Standing pages keep their addresses: a Content editor cannot change the slug
of Get help, Browsing safely, About, Privacy, Contact, Shipping and returns or the
home page, unpublish them, or delete them (one by one or in bulk), and the form
says why. Each refused change leaves the page public."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from pages.models import PAGE_URL_NAMES, Page
from staff import roles
from tests.pages.factories import PageFactory

pytestmark = pytest.mark.django_db

STANDING = sorted(PAGE_URL_NAMES)


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_user(
        username="editor", password="x" * 12, is_staff=True
    )
    user.groups.add(Group.objects.get(name=roles.CONTENT_EDITOR))
    client.force_login(user)
    return client


def _standing(slug: str) -> Page:
    page, _created = Page.objects.get_or_create(
        slug=slug,
        defaults={
            "title": f"The {slug} page",
            "meta_description": "About it.",
            "body": "Words.",
            "is_published": True,
        },
    )
    Page.objects.filter(pk=page.pk).update(is_published=True)
    page.refresh_from_db()
    return page


def _change_url(page: Page) -> str:
    return reverse("admin:pages_page_change", args=[page.pk])


def _is_public(client, page: Page) -> bool:
    client.logout()
    return client.get(page.get_absolute_url()).status_code == 200


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize("slug", STANDING)
def test_an_editor_cannot_move_or_unpublish_a_standing_page(editor_client, slug):
    page = _standing(slug)
    response = editor_client.post(
        _change_url(page),
        {
            "title": "Edited title",
            "slug": f"{slug}-moved",
            # "is_published" unticked: a checkbox sends nothing
            "meta_description": "New description.",
            "body": "New words.",
        },
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.slug == slug
    assert page.is_published
    # The words were saved: only the address and the publishing are kept.
    assert page.title == "Edited title" and page.body == "New words."
    assert _is_public(editor_client, page)


@pytest.mark.parametrize("slug", STANDING)
def test_the_form_says_why(editor_client, slug):
    page = _standing(slug)
    html = editor_client.get(_change_url(page)).content.decode()
    assert "The site links to this page from every page" in html
    assert f"<strong>{page.get_absolute_url()}</strong>" in html
    assert "stays published and cannot be deleted" in html
    assert 'name="slug"' not in html
    assert 'name="is_published"' not in html
    assert reverse("admin:pages_page_delete", args=[page.pk]) not in html


def test_a_standing_page_found_unpublished_can_be_published_again(editor_client):
    page = _standing("about")
    Page.objects.filter(pk=page.pk).update(is_published=False)
    html = editor_client.get(_change_url(page)).content.decode()
    assert 'name="is_published"' in html
    response = editor_client.post(
        _change_url(page),
        {
            "title": page.title,
            "is_published": "on",
            "meta_description": page.meta_description,
            "body": page.body,
        },
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.is_published and _is_public(editor_client, page)


@pytest.mark.parametrize("slug", STANDING)
def test_the_delete_page_refuses_and_says_why(editor_client, slug):
    page = _standing(slug)
    url = reverse("admin:pages_page_delete", args=[page.pk])
    for response in (editor_client.get(url), editor_client.post(url, {"post": "yes"})):
        assert response.status_code == 302
        assert response["Location"] == _change_url(page)
        assert "cannot be deleted" in _messages(response)
    assert Page.objects.filter(pk=page.pk).exists()
    assert _is_public(editor_client, page)


def test_the_bulk_delete_refuses_standing_pages_and_deletes_nothing(editor_client):
    privacy, get_help = _standing("privacy"), _standing("get-help")
    other = PageFactory(slug="old-draft", title="Old draft")
    response = editor_client.post(
        reverse("admin:pages_page_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [privacy.pk, get_help.pk, other.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    said = _messages(response)
    first, second = sorted([privacy.title, get_help.title])
    assert f"Nothing was deleted. {first} and {second}:" in said
    assert "Old draft" not in said
    assert "cannot be deleted" in said
    assert Page.objects.filter(pk__in=[privacy.pk, get_help.pk, other.pk]).count() == 3
    assert _is_public(editor_client, privacy) and _is_public(editor_client, get_help)


def test_other_pages_can_still_be_deleted_in_bulk(editor_client):
    other = PageFactory(slug="old-draft")
    response = editor_client.post(
        reverse("admin:pages_page_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Page.objects.filter(pk=other.pk).exists()


def test_other_pages_keep_an_editable_slug(editor_client):
    other = PageFactory(slug="old-draft")
    html = editor_client.get(_change_url(other)).content.decode()
    assert 'name="slug"' in html
    assert "The site links to this page" not in html
