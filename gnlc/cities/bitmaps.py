"""The directory's members as bitmaps, kept in each process per data revision: a filter's
count, every facet's counts and a page's ids without a query.

`MemberBitmaps` numbers the members on record today in the order of the directory's
default sort, as the database sorts them (`name`, then `pk`): member i is bit i. For
each value of each facet (region, country, cohort, status, thematic cluster) it keeps a
Python int with the bits of the members that have it. A filter is then an AND of ORs,
a count `int.bit_count()`, and the page's members the set bits of its rank, read in the
order of the chosen sort (the other sorts are groups of the same order: a country's or
a cohort's members, then by name). The rows themselves are read by id afterwards (one
query for fifty). The counts of the four facets but the clusters' come from the members
counted per (country, cohort, status) (`facets.Cube`, made from the same members), which
adds them up faster than an AND per country; with a cluster filter, each facet is
counted from the selected members' codes (`_counts_all`: their positions, then a count
per value, in numpy), the clusters' by an AND per cluster.

A name search is one more mask: the ids the trigram index matches (one plain statement,
`search.matching_ids`: the members `MemberQuerySet.search` finds) made into bits
(`matching`, in numpy); the count is then a count of bits, and the facets are counted
as under a cluster filter.

Built once per process and data revision (one query for the members in name order, one
for the clusters and one for their stays, besides the countries' and regions' names),
and used only where it answers exactly as the queries do: today's directory of the
whole network. A date (`as_of`) is answered by the queries (`Directory`). Memory: one
bit per member per facet value (about 220 values: 2.8 MB at 100,000 members), the
members' ids (8 bytes each), each id's position (4 bytes per id up to the largest) and
their country, cohort and status codes (2 bytes each); `bench/bitmaps.py` prints it.

No request waits for them (`GNLC_MEMBER_BITMAPS = "background"`, production's): the
first that finds none for the current revision and day starts their build in a thread
of the process (`current`) and, like every request until it ends, is answered by the
queries (`Directory` falls back on them: exact, a few milliseconds more). A build took
the first request after each change a second at 100,000 members and 7-12 s at
1,000,000, in every worker; now it costs requests only the CPU the thread shares with
them. The test suite builds them in the request instead ("inline"): its rows, never
committed, are invisible to another thread's connection.
"""

import logging
import math
import os
import re
import threading
import time
from array import array
from collections import Counter

import numpy as np
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext

from gnlc.cities import facets
from gnlc.cities.querysets import COHORT_NOT_KNOWN
from gnlc.core.cache import TIMEOUT, bypassing, cache_key

# The facets a filter may narrow, in the order of Directory.FACETS.
FACETS = ("region", "country", "cohort", "status", "cluster")
# The set bits of each byte value, lowest first.
_BYTE_BITS = [tuple(b for b in range(8) if value >> b & 1) for value in range(256)]
_NONZERO = re.compile(rb"[^\x00]")


def _bitmaps(positions_by_value: dict, size: int) -> dict:
    """{value: int} with bit i set for each position i listed under the value."""
    found = {}
    for value, positions in positions_by_value.items():
        buffer = bytearray((size + 7) // 8)
        for i in positions:
            buffer[i >> 3] |= 1 << (i & 7)
        found[value] = int.from_bytes(buffer, "little")
    return found


def _coded_bitmaps(codes: array, values: list) -> dict:
    """{value: int} with bit i set where `codes[i]` is the value's index in `values`."""
    buffers = [bytearray((len(codes) + 7) // 8) for _ in values]
    for i, code in enumerate(codes):
        buffers[code][i >> 3] |= 1 << (i & 7)
    return {
        value: int.from_bytes(buffer, "little")
        for value, buffer in zip(values, buffers, strict=True)
    }


def set_bits(bits: int, skip: int, count: int) -> list[int]:
    """The positions of `bits`' set bits ranked `skip` to `skip + count` (from the
    lowest), lowest first. Skipping counts bits a prefix of bytes at a time (a binary
    search), and reading scans the bytes in C for the non-zero ones."""
    if count <= 0 or not bits:
        return []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    start, skipped = 0, 0
    if skip:
        # The longest prefix of whole bytes with at most `skip` set bits.
        low, high = 0, len(data)
        while low < high:
            middle = (low + high + 1) // 2
            if int.from_bytes(data[:middle], "little").bit_count() <= skip:
                low = middle
            else:
                high = middle - 1
        start, skipped = low, int.from_bytes(data[:low], "little").bit_count()
    found = []
    for match in _NONZERO.finditer(data, start):
        offset = match.start()
        for bit in _BYTE_BITS[data[offset]]:
            if skipped < skip:
                skipped += 1
                continue
            found.append(offset * 8 + bit)
            if len(found) == count:
                return found
    return found


def set_bits_descending(bits: int, skip: int, count: int) -> list[int]:
    """As `set_bits`, from the highest set bit down."""
    total = bits.bit_count()
    stop = total - skip
    start = max(0, stop - count)
    if stop <= 0:
        return []
    return set_bits(bits, start, stop - start)[::-1]


class MemberBitmaps:
    """The members on record today, one bit each, and a bitmap per facet value (see the
    module's docstring)."""

    # The facets every member has one value of, kept per member as a code.
    CODED = ("country", "cohort", "status")

    def __init__(self):
        Member = apps.get_model("cities", "Member")
        Cluster = apps.get_model("clusters", "Cluster")
        ClusterMembership = apps.get_model("clusters", "ClusterMembership")
        self.places = facets.places()
        countries = self.places["countries"]
        self.nulls_largest = connections[Member.objects.db].features.nulls_order_largest
        rows = (
            Member.objects.filter(status__isnull=False)
            .order_by("name", "pk")
            .values_list("pk", "country_id", "cohort_id", "status")
        )
        self.ids = array("q")
        # Each member's country, cohort and status as an index into `values[facet]`.
        self.codes = {name: array("H") for name in self.CODED}
        self.values = {name: [] for name in self.CODED}
        codes = {name: {} for name in self.CODED}
        for pk, *values in rows.iterator(chunk_size=10_000):
            self.ids.append(pk)
            for name, value in zip(self.CODED, values, strict=True):
                code = codes[name].get(value)
                if code is None:
                    code = codes[name][value] = len(self.values[name])
                    self.values[name].append(value)
                self.codes[name].append(code)
        self.size = len(self.ids)
        self.bits = {
            name: _coded_bitmaps(self.codes[name], self.values[name]) for name in self.CODED
        }
        # The counts per (country, cohort, status): what `facets.Cube` adds the four
        # facets of a filter up from, as the queries' grouped counts would give them.
        self.cube = facets.Cube(
            [
                (*(self.values[name][code] for name, code in zip(self.CODED, key, strict=True)), n)
                for key, n in Counter(zip(*self.codes.values(), strict=True)).items()
            ],
            self.places,
        )
        # The cities in each thematic cluster today, and each city's clusters in the
        # clusters' order (few: kept as lists).
        self.clusters = list(
            Cluster.objects.order_by("theme__order", "theme__name").values_list(
                "theme__slug", "theme__name"
            )
        )
        order = {slug: rank for rank, (slug, _) in enumerate(self.clusters)}
        stays = sorted(
            set(
                ClusterMembership.objects.as_of(None)
                .order_by()
                .values_list("member_id", "cluster__theme__slug")
            ),
            key=lambda stay: (order[stay[1]], stay[0]),
        )
        staying = {member for member, _ in stays}
        position = {pk: i for i, pk in enumerate(self.ids) if pk in staying}
        in_cluster = {}
        self.clusters_of: dict[int, list[str]] = {}
        for member, slug in stays:
            if member in position:  # on record
                in_cluster.setdefault(slug, []).append(position[member])
                self.clusters_of.setdefault(member, []).append(slug)
        self.bits["cluster"] = _bitmaps(in_cluster, self.size)
        regions = self.bits["region"] = {}
        for iso2, country_bits in self.bits["country"].items():
            region = countries[iso2][1]
            regions[region] = regions.get(region, 0) | country_bits
        self.all = (1 << self.size) - 1
        # Each id's position (-1 for ids not on record), indexed by the id: a search's
        # matching ids become bits by one look-up each. Four bytes per id up to the
        # largest (ids are the table's sequence: about one per member).
        self.position_of = array("i", [-1]) * ((max(self.ids) + 1) if self.size else 0)
        for i, pk in enumerate(self.ids):
            self.position_of[pk] = i
        # The same arrays seen by numpy (no copy), for work over many members at once: a
        # search's ids made bits, and the facets of many members counted (`_counts_all`).
        self.codes_np = {name: np.frombuffer(self.codes[name], dtype="H") for name in self.CODED}
        self.position_of_np = np.frombuffer(self.position_of, dtype="i")
        # Each country's region, as an index into `regions`, by the country's code.
        self.regions = sorted({countries[iso2][1] for iso2 in self.values["country"]})
        self.region_of = np.array(
            [self.regions.index(countries[iso2][1]) for iso2 in self.values["country"]],
            dtype=np.intp,
        )

    def nbytes(self) -> int:
        """The memory its bitmaps and arrays take (the ints' and the arrays' own sizes)."""
        bitmaps = sum(
            bits.__sizeof__() for values in self.bits.values() for bits in values.values()
        )
        arrays = [self.ids, self.position_of, *self.codes.values()]
        return bitmaps + sum(len(codes) * codes.itemsize for codes in arrays)

    def _wanted(self, filters: dict) -> dict:
        """{facet: the bits of the members with any of its chosen values} for each facet
        `filters` narrows (a cohort's "unknown" is the members without one)."""
        masks = {}
        for name in FACETS:
            values = filters.get(name)
            if not values:
                continue
            if name == "cohort":
                values = {None if v == COHORT_NOT_KNOWN else int(v) for v in values}
            mask = 0
            for value in values:
                mask |= self.bits[name].get(value, 0)
            masks[name] = mask
        return masks

    def matching(self, ids) -> int:
        """The bits of the members among `ids` (a name search's matches; those not on
        record have no bit and are left out, as the directory leaves them). In numpy: a
        search at 1,000,000 members matches tens of thousands."""
        ids = np.asarray(ids, dtype=np.int64)
        positions = self.position_of_np[ids[(ids >= 0) & (ids < len(self.position_of_np))]]
        flags = np.zeros(self.size, dtype=bool)
        flags[positions[positions >= 0]] = True
        return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")

    def positions(self, among: int) -> np.ndarray:
        """The positions of `among`'s set bits, lowest first."""
        data = np.frombuffer(among.to_bytes((self.size + 7) // 8, "little"), dtype=np.uint8)
        nonzero = np.flatnonzero(data)  # the bytes with a set bit: only they are unpacked
        bits = np.unpackbits(data[nonzero, None], axis=1, bitorder="little").view(bool)
        return (nonzero[:, None] * 8 + np.arange(8))[bits]

    def _selected(self, masks: dict, but=None, within=None) -> int:
        selected = self.all if within is None else within
        for name, mask in masks.items():
            if name != but:
                selected &= mask
        return selected

    def selection(self, filters: dict, within: int | None = None) -> int:
        """The bits of the members `filters` select (among `within`: a search's)."""
        return self._selected(self._wanted(filters), within=within)

    def summary(self, filters: dict, within: int | None = None) -> dict:
        """{"count", "facets"} as `Directory.summary` gives them for `filters`' facet
        values among the members `within` (a name search's bits; all without one): a
        facet without a chosen value counts over the results, one with some over every
        other facet's filters. Without a search or a cluster filter the count and four
        facets are the cube's sums and the clusters' an AND per cluster; with one, every
        facet is counted from the bitmaps."""
        masks = self._wanted(filters)
        if "cluster" not in masks and within is None:
            found = facets.summary(self.cube, {name: filters.get(name) for name in facets.FACETS})
            clusters = self._counts("cluster", self._selected(masks))
        else:
            selected = self._selected(masks, within=within)
            found = {"count": selected.bit_count(), "facets": {}}
            counts = {
                name: self._counts(name, self._selected(masks, but=name, within=within))
                for name in masks
            }
            counts.update(self._counts_all([n for n in FACETS if n not in masks], selected))
            found["facets"] = self._labelled(counts)
            clusters = counts["cluster"]
        found["facets"]["cluster"] = [
            {"value": slug, "label": gettext(name), "name": name, "count": n}
            for slug, name in self.clusters
            for n in [clusters.get(slug, 0)]
            if n
        ]
        return found

    def _labelled(self, counts: dict) -> dict:
        """The four facets' `counts` ({value: members}) as `facets.summary` gives them."""
        return facets.labelled(counts, self.places)

    def _counts_all(self, names, among: int) -> dict:
        """{facet: {value: members}} of `among`'s members, for each facet in `names`:
        their positions read once (`positions`), each coded facet's values counted from
        their codes (a region's from its countries'), in numpy; the clusters (few, and a
        member may be in several) by an AND and a count each. The five facets of ten,
        10,000 and 50,000 of 1,000,000 members cost 0.3, 0.7 and 2.3 ms so, where a
        Python tally of each member cost 0.4, 6.5 and 28, and an AND and a count per
        value 5, 11 and 11 (`bench/README.md`)."""
        positions = None  # read once, for the first coded facet
        counts = {}
        for name in names:
            if name == "cluster":
                counts[name] = {
                    slug: count
                    for slug, bits in self.bits[name].items()
                    for count in [(among & bits).bit_count()]
                    if count
                }
                continue
            if positions is None:
                positions = self.positions(among)
            if name == "region":
                values, codes = self.regions, self.region_of[self.codes_np["country"][positions]]
            else:
                values, codes = self.values[name], self.codes_np[name][positions]
            found = np.bincount(codes, minlength=len(values))
            counts[name] = {values[code]: int(found[code]) for code in np.flatnonzero(found)}
        return counts

    def _counts(self, name, among: int) -> dict:
        return self._counts_all([name], among)[name]

    def _group_order(self, sort: str) -> list:
        """The values of the facet a sort orders first (countries, cohorts), in the
        database's order: within each, the members are in name order."""
        if sort == "country":
            countries = self.places["countries"]
            return sorted(self.values["country"], key=lambda iso2: countries[iso2][2])
        years = sorted(year for year in self.values["cohort"] if year is not None)
        if sort == "-cohort":
            years.reverse()
        # Where the database puts the members without a cohort: PostgreSQL sorts NULL
        # as the largest value, SQLite as the smallest.
        if None in self.values["cohort"]:
            if (sort == "cohort") == self.nulls_largest:
                years.append(None)
            else:
                years.insert(0, None)
        return years

    def page_ids(
        self, filters: dict, sort: str, start: int, stop: int, within: int | None = None
    ) -> list[int]:
        """The ids of the members `filters` select (among `within`), ranked `start` to
        `stop` in the order `sort` (a key of querysets.SORTS), as the queries would give
        them."""
        selected = self.selection(filters, within)
        count = stop - start
        if sort == "name":
            positions = set_bits(selected, start, count)
        elif sort == "-name":
            positions = set_bits_descending(selected, start, count)
        else:
            facet = "country" if sort == "country" else "cohort"
            order = self._group_order(sort)
            n = selected.bit_count()
            if n <= 4 * len(order):  # few: sorted one by one
                rank = {self.values[facet].index(value): r for r, value in enumerate(order)}
                codes = self.codes[facet]
                positions = sorted(set_bits(selected, 0, n), key=lambda i: (rank[codes[i]], i))
                positions = positions[start:stop]
            else:  # a group after another, skipping whole groups by their counts
                positions, skip = [], start
                for value in order:
                    bits = selected & self.bits[facet][value]
                    n = bits.bit_count()
                    if skip >= n:
                        skip -= n
                        continue
                    positions += set_bits(bits, skip, count - len(positions))
                    skip = 0
                    if len(positions) == count:
                        break
        return [self.ids[i] for i in positions]


logger = logging.getLogger(__name__)
# After a failed build, the queries answer for this long before another is tried: a
# fault that lasts (a database down) must not cost every request a build.
RETRY_AFTER = 60
# Expired bitmaps of the revision still current serve while their rebuild runs, this
# long at most (a build at 1,000,000 members takes 7-12 s; one that hangs must not keep
# them for ever): see `current`.
GRACE = 120

_lock = threading.Lock()
# {"members": (key, expiry, bitmaps)}: one set of bitmaps, the latest revision's built.
_held: dict[str, tuple[str, float, MemberBitmaps]] = {}
# The background build running in this process, if any, and when the last one failed.
_builder: threading.Thread | None = None
_failed_at = -math.inf


def _key(day: str) -> str:
    """The bitmaps' key: the data revision (one query) and the day (ISO)."""
    return cache_key("member-bitmaps", day)


def current() -> MemberBitmaps | None:
    """This process's bitmaps for the current data revision and day, or None where the
    queries must answer: cached values bypassed (a rehearsal whose rows are rolled
    back), bitmaps turned off, or (`GNLC_MEMBER_BITMAPS = "background"`, production's)
    not built yet for this revision and day.

    Kept no longer than a cached value (`cache.TIMEOUT`), for the same reason: a
    database restored from a backup may show an old revision number again.

    In the background mode a request never builds them: finding none for its key, it
    starts the build in a thread of this process (one at a time, `_build`) and answers
    by the queries, which are exact. Expired ones of the same key (same revision, same
    day: only the clock says they may be stale) answer while their rebuild runs, at most
    `GRACE` seconds. Safe: a restored database shows other data under a revision number
    already seen only if its history diverged (changes after the restore, or another
    database's backup) and reached the very same number; in that one case their answers
    are wrong for at most `TIMEOUT + GRACE` instead of `TIMEOUT` (about what a build
    takes more: seconds), whereas dropping them would send every request of the build's
    seconds, every ten minutes, to the queries. A failed build drops expired ones (the
    queries answer; another build is tried `RETRY_AFTER` seconds later).

    In the inline mode (the test suite's) the first request that finds none builds
    them (`_store`, the same work as the background build's, under `_lock`), as every
    request did before the background mode."""
    mode = settings.GNLC_MEMBER_BITMAPS
    if mode == "off" or bypassing():
        return None
    day = timezone.localdate().isoformat()
    key = _key(day)
    now = time.monotonic()
    found = _held.get("members")
    if found is not None and found[0] == key and found[1] > now:
        return found[2]
    if mode == "inline":
        with _lock:  # one build per process, whichever thread asks first
            return _store(key)
    _start(day)
    if found is not None and found[0] == key and now < found[1] + GRACE:
        return found[2]  # expired, of the same revision: see above
    return None


def _store(key: str) -> MemberBitmaps:
    """The bitmaps held for `key`, built and held now unless they are there and have not
    expired: the work of a build, in either mode. Bitmaps of another key (a previous
    revision or day) are dropped before the build, their memory before the new ones';
    expired ones of `key` stay until the new ones replace them (the background mode's
    requests use them meanwhile, within `GRACE`; the inline mode's never use expired
    ones). A failure is raised, the held bitmaps left as they are. One caller at a
    time: the inline mode holds `_lock`, and the background mode runs one build at a
    time (`_start`), without the lock, which requests must not wait for."""
    found = _held.get("members")
    if found is not None and found[0] == key and found[1] > time.monotonic():
        return found[2]
    if found is not None and found[0] != key:
        _held.pop("members", None)
    began = time.perf_counter()
    built = MemberBitmaps()
    _held["members"] = (key, time.monotonic() + TIMEOUT, built)
    logger.info(
        "members' bitmaps built: %d members in %.1f s", built.size, time.perf_counter() - began
    )
    return built


def _start(day: str) -> None:
    """Start the background build unless one is running or the last failed within
    `RETRY_AFTER` seconds. Started by a request, never at import: a thread started in
    gunicorn's master before it forks (`--preload`) would not run in the workers."""
    global _builder
    with _lock:
        if _builder is not None and _builder.is_alive():
            return
        if time.monotonic() < _failed_at + RETRY_AFTER:
            return
        _builder = threading.Thread(
            target=_build, args=(day,), name="gnlc-member-bitmaps", daemon=True
        )
        _builder.start()


def _build(day: str) -> None:
    """Build the bitmaps of the revision the database shows now and keep them for `day`
    (the request's: the thread's time zone is not the request's to choose). The
    background thread's work. Reads its own key before the rows: a change committed
    during the build gives a newer revision, which requests then build again for. Reads
    the primary (the thread has no request's mark for a replica), whose revision a
    replica's requests reach a moment later; one that lags starts a build that finds
    the bitmaps current and stops. Every failure is logged, never raised: requests go on
    with the queries."""
    global _failed_at
    try:
        _store(_key(day))
    except Exception:
        _failed_at = time.monotonic()
        found = _held.get("members")
        if found is not None and found[1] <= _failed_at:
            _held.pop("members", None)  # expired: no build is coming to replace them
        logger.exception(
            "building the members' bitmaps failed; the queries answer, retried in %s s",
            RETRY_AFTER,
        )
    finally:
        # This thread's own connections (Django keeps one per thread), which nothing
        # else would close.
        connections.close_all()


def building() -> bool:
    """Whether a background build is running in this process (bench)."""
    builder = _builder
    return builder is not None and builder.is_alive()


def wait() -> None:
    """Wait for the background build running in this process, if any (tests, bench)."""
    builder = _builder
    if builder is not None:
        builder.join()


def forget() -> None:
    """Drop this process's bitmaps and any failure's pause, once a running build is
    over (tests: each restarts the data revision)."""
    global _failed_at
    wait()
    _held.clear()
    _failed_at = -math.inf


def _after_fork_in_child() -> None:
    """A forked worker starts with no build: the parent's thread does not run in it, and
    its lock may have been held at the fork."""
    global _lock, _builder
    _lock = threading.Lock()
    _builder = None


os.register_at_fork(after_in_child=_after_fork_in_child)
