"""The checks of the deploy stage (scripts/ci_deploy.sh starts the services and runs this):
what only shows with two app servers, a proxy, Redis and a read replica.

1. Both app servers are ready (/readyz), and the pages come out through nginx in the
   four languages, with their static files served under hashed names.
2. A session made through one app server is valid on the other.
3. With the replica's replay paused, a city coordinator changes their city through one
   server: read through the other, signed in, the change shows at once (read your
   writes: the primary), while an anonymous reader is still served the replica's older
   copy (anonymous reads go to the replica). Once the replica has caught up, both
   servers' cached public lists show the change at once (the data revision).
4. The search rate limit counts across both servers.
5. /readyz fails when a PostgreSQL server is stopped (the replica; with --stop-primary
   the primary too, as CI does) and recovers when it is back.

Standard library only, but for check_package's page check (Babel reads the catalogues).
"""

import argparse
import http.cookies
import json
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from check_package import check_pages

PASSWORD = secrets.token_urlsafe(16)
EMAIL = "coordinator@deploy.example.org"


def fail(text: str) -> None:
    raise SystemExit(f"check_deploy: {text}")


def ok(text: str) -> None:
    print(f"ok: {text}", flush=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


class Browser:
    """Requests with one set of cookies, sent to whichever server is asked."""

    def __init__(self):
        self.cookies = {}

    def request(self, url, data=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
        try:
            response = OPENER.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, response.read().decode("utf-8", "replace")


class FormFields(HTMLParser):
    """The fields of the page's forms that post to `action` (or to the page itself)."""

    def __init__(self):
        super().__init__()
        self.fields, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(page: str) -> dict:
    parser = FormFields()
    parser.feed(page)
    return parser.fields


def psql(port: int, sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-Atc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def wait_for(what: str, condition, seconds: int = 60) -> None:
    for _ in range(seconds * 2):
        if condition():
            return
        time.sleep(0.5)
    fail(f"{what}: not within {seconds} s")


def readyz(base: str) -> tuple[int, dict]:
    status, _, body = Browser().request(base + "/readyz")
    return status, json.loads(body)


def member_in_list(base: str, name: str, slug: str) -> dict:
    """The member as the cached public list of the API shows it to an anonymous reader."""
    status, _, body = Browser().request(f"{base}/api/v1/members?q={urllib.parse.quote(name)}")
    if status != 200:
        fail(f"{base}/api/v1/members answered {status}")
    for item in json.loads(body)["results"]:
        if item["slug"] == slug:
            return item
    fail(f"{slug} is not in {base}'s list")
    return {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gnlc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--proxy", required=True)
    parser.add_argument("--app", action="append", required=True)
    parser.add_argument("--primary-port", type=int, default=5432)
    parser.add_argument("--replica-port", type=int, required=True)
    parser.add_argument("--replica-dir", required=True)
    parser.add_argument("--pg-bin", required=True)
    parser.add_argument("--search-limit", type=int, required=True)
    parser.add_argument("--stop-primary", metavar="VERSION/CLUSTER")
    args = parser.parse_args()
    a, b = args.app

    # 1. Ready, translated, static files.
    for base in (a, b):
        wait_for(f"{base}/readyz", lambda base=base: _ready(base))
    ok("both app servers are ready (/readyz: database, replica, cache, migrations)")
    check_pages(args.proxy)
    ok("the pages come out through nginx in four languages, static files hashed")

    # 2. A session made through one server is valid on the other.
    code = (
        "from gnlc.accounts.enums import RoleKind\n"
        "from gnlc.accounts.models import Role, User\n"
        "from gnlc.cities.models import Member\n"
        "member = Member.objects.order_by('pk').first()\n"
        f"user = User.objects.create_user({EMAIL!r}, {PASSWORD!r})\n"
        "Role.objects.create(user=user, kind=RoleKind.COORDINATOR, member=member)\n"
        "print(member.slug, member.name, sep='\\t')\n"
    )
    made = subprocess.run(
        [args.gnlc, "shell", "-v", "0", "-c", code],
        cwd=args.workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    slug, name = made.stdout.strip().split("\t")
    coordinator = Browser()
    _, _, page = coordinator.request(f"{a}/accounts/login/")
    fields = form_fields(page) | {"username": EMAIL, "password": PASSWORD}
    status, _, _ = coordinator.request(f"{a}/accounts/login/", fields)
    if status != 302 or "sessionid" not in coordinator.cookies:
        fail(f"log-in through {a} answered {status} without a session")
    status, _, page = coordinator.request(f"{b}/accounts/")
    if status != 200 or EMAIL not in page:
        fail(f"the session made through {a} is not valid on {b} ({status})")
    ok(f"a session made through {a} is valid on {b} (Redis, cached_db)")

    # 3. Replica reads, read-your-writes, the data revision across servers.
    before = {base: member_in_list(base, name, slug)["subdivision"] for base in (a, b)}
    psql(args.replica_port, "SELECT pg_wal_replay_pause()")
    try:
        _, _, page = coordinator.request(f"{a}/members/{slug}/edit/")
        changed = f"Deploy check {secrets.token_hex(4)}"
        fields = form_fields(page) | {"subdivision": changed}
        status, _, _ = coordinator.request(f"{a}/members/{slug}/edit/", fields)
        if status != 302:
            fail(f"the coordinator's change through {a} answered {status}")
        _, _, body = coordinator.request(f"{b}/api/v1/members/{slug}")
        if json.loads(body)["subdivision"] != changed:
            fail(f"the coordinator does not read their own write through {b}")
        ok(f"the coordinator's change through {a} is read at once through {b} (primary)")
        stale = member_in_list(b, name, slug)["subdivision"]
        if stale != before[b]:
            fail(f"an anonymous read through {b} saw {stale!r}: not from the paused replica")
        ok("an anonymous read is served from the replica (paused: still the old value)")
    finally:
        psql(args.replica_port, "SELECT pg_wal_replay_resume()")
    primary_lsn = psql(args.primary_port, "SELECT pg_current_wal_lsn()")
    wait_for(
        "the replica catching up",
        lambda: (
            psql(args.replica_port, f"SELECT pg_last_wal_replay_lsn() >= '{primary_lsn}'") == "t"
        ),
    )
    for base in (a, b):
        seen = member_in_list(base, name, slug)["subdivision"]
        if seen != changed:
            fail(f"{base}'s cached list still shows {seen!r} after the replica caught up")
    ok("once the replica caught up, both servers' cached lists show the change at once")

    # 4. The rate limit counts across both servers. Its windows are fixed (600 s, as
    # ci_deploy.sh sets it): not started in a window's last seconds, so that the count
    # is not cut in two.
    if time.time() % 600 > 590:
        time.sleep(600 - time.time() % 600 + 1)
    statuses = [
        Browser().request(f"{(a, b)[i % 2]}/members/?q=zz{i}")[0]
        for i in range(args.search_limit + 2)
    ]
    if statuses != [200] * args.search_limit + [429, 429]:
        fail(f"search statuses alternating servers: {statuses}")
    ok(f"the search limit ({args.search_limit}) counts across both servers: {statuses}")

    # 5. /readyz without a PostgreSQL server, and back.
    pg_ctl = [f"{args.pg_bin}/pg_ctl", "-D", args.replica_dir, "-w"]
    subprocess.run(["runuser", "-u", "postgres", "--", *pg_ctl, "-m", "fast", "stop"], check=True)
    status, body = readyz(a)
    if status != 503 or body["checks"]["database"] != "failed":
        fail(f"/readyz with the replica stopped: {status} {body}")
    ok(f"/readyz with the replica stopped: 503 {body['checks']}")
    subprocess.run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            *pg_ctl,
            "start",
            "-l",
            f"{args.replica_dir}.log",
            "-o",
            _replica_options(args),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wait_for("/readyz after the replica is back", lambda: _ready(a))
    ok("/readyz recovers when the replica is back")
    if args.stop_primary:
        cluster = args.stop_primary.split("/")
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "stop"], check=True)
        try:
            status, body = readyz(b)
            if status != 503 or body["checks"]["database"] != "failed":
                fail(f"/readyz with the primary stopped: {status} {body}")
            ok(f"/readyz with the primary stopped: 503 {body['checks']}")
        finally:
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "start"], check=True
            )
        wait_for("/readyz after the primary is back", lambda: _ready(b))
        ok("/readyz recovers when the primary is back")
    print("check_deploy: all checks passed")
    return 0


def _ready(base: str) -> bool:
    try:
        return readyz(base)[0] == 200
    except (OSError, ValueError):
        return False


def _replica_options(args) -> str:
    socket_dir = args.replica_dir.rsplit("/", 1)[0]
    return (
        f"-p {args.replica_port} -c listen_addresses=127.0.0.1 "
        f"-c unix_socket_directories={socket_dir} -c hot_standby=on"
    )


if __name__ == "__main__":
    sys.exit(main())
