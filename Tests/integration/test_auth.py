"""Bearer token authentication, and one app's token never reaching another app's IdP view."""

from __future__ import annotations

import secrets

import pytest

from scimcheck import assert_scim_error, create_user, get_user, patch_body, query_users, show, user_body


def assert_unauthorized(r):
    assert_scim_error(r, 401)
    challenge = r.headers.get("WWW-Authenticate", "")
    assert challenge.lower().startswith("bearer"), f"WWW-Authenticate: {challenge!r}{show(r)}"


@pytest.mark.parametrize("authorization", [
    None,
    "Bearer ",
    "Bearer not-a-real-token",
    "Basic YWxwaGE6c2VjcmV0",
    "bearer",
], ids=["missing", "empty", "wrong", "basic", "scheme-only"])
def test_requests_without_a_valid_token_get_401(stack, authorization, uniq):
    client = stack.client("alpha", token=None)
    headers = {"Authorization": authorization} if authorization is not None else {}
    assert_unauthorized(client.get("/Users", headers=headers))
    name = uniq("intruder")
    assert_unauthorized(client.post("/Users", user_body(name), headers=headers))
    assert query_users(stack.client("alpha"), f'userName eq "{name}"')["totalResults"] == 0, "nothing created"


def test_random_token_of_the_right_shape_gets_401(stack):
    good = stack.apps["alpha"].token
    forged = secrets.token_urlsafe(len(good))[: len(good)]
    assert_unauthorized(stack.client("alpha", token=forged).get("/Users"))
    # A token with its last character changed.
    flipped = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert_unauthorized(stack.client("alpha", token=flipped).get("/Users"))


def test_other_apps_token_gets_401(stack, alpha, uniq):
    u = create_user(alpha, uniq("mine"))
    with_beta_token = stack.client("alpha", token=stack.apps["beta"].token)
    assert_unauthorized(with_beta_token.get("/Users"))
    assert_unauthorized(with_beta_token.get(f"/Users/{u['id']}"))
    assert_unauthorized(with_beta_token.patch(f"/Users/{u['id']}",
                                              patch_body({"op": "replace", "path": "active", "value": False})))
    assert_unauthorized(with_beta_token.delete(f"/Users/{u['id']}"))
    assert get_user(alpha, u["id"])["active"] is True, "untouched"


def test_an_app_cannot_see_or_change_another_apps_users(alpha, beta, uniq):
    u = create_user(alpha, uniq("private"))
    # beta, on its own base URL with its own token, does not see alpha's IdP view.
    assert_scim_error(beta.get(f"/Users/{u['id']}"), 404)
    assert query_users(beta, f'userName eq "{u["userName"]}"')["totalResults"] == 0
    assert_scim_error(beta.put(f"/Users/{u['id']}", user_body(u["userName"], active=False)), 404)
    assert_scim_error(beta.patch(f"/Users/{u['id']}",
                                 patch_body({"op": "replace", "path": "active", "value": False})), 404)
    assert_scim_error(beta.delete(f"/Users/{u['id']}"), 404)
    assert get_user(alpha, u["id"])["active"] is True, "alpha's user is untouched"


def test_unknown_app_gets_401_or_404(stack):
    r = stack.client("no-such-app", token=stack.apps["alpha"].token).get("/Users")
    assert_scim_error(r, (401, 404))
