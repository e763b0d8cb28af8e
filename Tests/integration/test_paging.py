"""An index walk (`startIndex` 1, 1+count, …, as Okta's import pages) through each front end: every
page is exactly what the list holds at that moment, also when users are created and deleted
between pages, and totalResults follows (the responder continues each page from the previous
page's last key while nothing was deleted, and reads totals from the app's tally)."""

from __future__ import annotations

from scimcheck import assert_status, create_user, list_response


def walk(client, count: int) -> tuple[list[str], int]:
    names, start, total = [], 1, None
    while total is None or start <= total:
        page = list_response(client.get(f"/Users?startIndex={start}&count={count}"))
        total = page["totalResults"]
        if not page["Resources"]:
            break
        names += [u["userName"] for u in page["Resources"]]
        start += len(page["Resources"])
    return names, total


def test_an_index_walk_reads_every_user_once_while_users_come_and_go(stack, uniq):
    app = stack.create_app(uniq("walk"))
    client = stack.client(app.name, token=app.token)
    ids = [create_user(client, f"w{i:02d}")["id"] for i in range(23)]
    names, total = walk(client, 5)
    assert names == [f"w{i:02d}" for i in range(23)] and total == 23

    first = list_response(client.get("/Users?startIndex=1&count=5"))
    assert [u["userName"] for u in first["Resources"]] == [f"w{i:02d}" for i in range(5)]
    assert_status(client.delete(f"/Users/{ids[2]}"), 204)       # before the next page: it moves up by one
    create_user(client, "late")                                    # after every key
    second = list_response(client.get("/Users?startIndex=6&count=5"))
    assert [u["userName"] for u in second["Resources"]] == [f"w{i:02d}" for i in range(6, 11)]
    assert second["totalResults"] == 23

    names, total = walk(client, 7)
    assert names == [f"w{i:02d}" for i in range(23) if i != 2] + ["late"] and total == 23


def test_a_page_larger_than_a_fastcgi_record_arrives_whole(stack, uniq):
    """Answers past libfcgi's 8 KB buffer go out in records of up to 64 KB, written by the
    responder itself: a page of 150 KB arrives byte for byte as the users were stored, with the
    length it announces, through every front end."""
    app = stack.create_app(uniq("bigpage"))
    client = stack.client(app.name, token=app.token)
    # Each user about 2.5 KB: 60 of them span three records.
    notes = {i: "".join(chr(0x41 + (i * 7 + k) % 26) for k in range(2500)) for i in range(60)}
    for i, text in notes.items():
        create_user(client, f"big{i:02d}", displayName=text)
    response = client.get("/Users?startIndex=1&count=100")
    assert_status(response, 200)
    assert len(response.content) > 3 * 65_528 // 2
    # Apache may send it chunked, without the length; whoever sends one sends the right one.
    assert int(response.headers.get("Content-Length", len(response.content))) == len(response.content)
    page = list_response(response)
    assert page["itemsPerPage"] == 60
    assert {u["userName"]: u["displayName"] for u in page["Resources"]} == {f"big{i:02d}": t for i, t in notes.items()}
