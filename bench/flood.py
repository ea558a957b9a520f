"""A sign-in flood, from a process of its own as an attacker's would be (used by bench/run.py).

Reads a JSON list of [username, address] pairs on standard input, posts each as a sign-in with
a wrong password from THREADS threads (each fetches the form once for its CSRF token; the
address travels in X-Forwarded-For, which the server trusts from one proxy), and prints a JSON
object: how many attempts got each HTTP status.

    python bench/flood.py http://127.0.0.1:8000 8 < attempts.json
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections import Counter
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, OpenerDirector, Request, build_opener

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def post(opener: OpenerDirector, request: Request) -> int:
    try:
        with opener.open(request, timeout=120) as response:
            response.read()
            return int(response.status)
    except HTTPError as error:
        error.read()
        return int(error.code)


def attacker(base: str, attempts: list[list[str]], answers: Counter[int]) -> None:
    opener = build_opener(HTTPCookieProcessor(CookieJar()))
    with opener.open(f"{base}/accounts/login/", timeout=120) as response:
        match = CSRF_FIELD.search(response.read().decode())
    assert match is not None, "no CSRF token on the sign-in page"
    for username, address in attempts:
        body = urlencode(
            {"csrfmiddlewaretoken": match[1], "username": username, "password": "guess-1234"}
        ).encode()
        request = Request(  # noqa: S310 - the bench's own live server
            f"{base}/accounts/login/", data=body, headers={"X-Forwarded-For": address}
        )
        answers[post(opener, request)] += 1


def main() -> None:
    base, threads = sys.argv[1], int(sys.argv[2])
    attempts = json.load(sys.stdin)
    answers: Counter[int] = Counter()
    workers = [
        threading.Thread(target=attacker, args=(base, attempts[i::threads], answers))
        for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps(dict(answers)))


if __name__ == "__main__":
    main()
