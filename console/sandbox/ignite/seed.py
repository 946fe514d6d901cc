"""The caches and tables a fresh stand-in cluster holds: every shape of value a console shows.

Values are built as a node would hold them after a Java or Python client put
them (a Long key for a Python int, complex objects with a registered type),
and are the same on every run: times count from a fixed epoch.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import random
import struct
import uuid
from typing import Any

from console.sandbox.ignite import config, objects, tables, wire
from console.sandbox.ignite.store import Store

EPOCH = dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.timezone.utc)
ENTRIES = 100_000
"""Entries of the big cache, ``telemetry``."""
ROWS = 100_000
"""Rows of the big SQL table, ``PUBLIC.READINGS``."""
CITIES = ["Amsterdam", "Berlin", "Lisbon", "Oslo", "Porto", "Riga", "Turin", "Vienna"]


def seed(store: Store, options: dict[str, Any], seed_value: int = 7) -> None:
    """Fill the store: small caches of each value shape, a big cache, two SQL tables."""
    rng = random.Random(seed_value)
    _create(store, "greetings", config.REPLICATED, backups=0)
    _fill(store, "greetings", {wire.string(k): wire.string(v) for k, v in {
        "en": "Hello", "fr": "Bonjour", "de": "Hallo", "pt": "Olá", "ja": "こんにちは",
        "nl": "Hallo", "es": "Hola", "it": "Ciao"}.items()})
    _create(store, "counters", config.PARTITIONED, backups=1)
    _fill(store, "counters", _counters())
    _create(store, "device-config", config.PARTITIONED, backups=1,
            atomicity=config.TRANSACTIONAL)
    _fill(store, "device-config", _device_configs(rng))
    _create(store, "people", config.PARTITIONED, backups=2)
    _fill(store, "people", _people(store, rng))
    _create(store, "sessions", config.PARTITIONED, backups=0)
    _fill(store, "sessions", _sessions(rng))
    _create(store, "telemetry", config.PARTITIONED, backups=1)
    _fill(store, "telemetry", _telemetry(int(options.get("entries", ENTRIES)), rng))
    _tables(store, int(options.get("rows", ROWS)), rng)


def _create(store: Store, name: str, mode: int, *, backups: int,
            atomicity: int = config.ATOMIC) -> None:
    store.create({config.NAME: name, config.CACHE_MODE: mode, config.BACKUPS: backups,
                  config.ATOMICITY: atomicity}, if_absent=True)


def _fill(store: Store, name: str, entries: dict[bytes, bytes]) -> None:
    store.caches[wire.cache_id(name)].entries.update(entries)


def _long(value: int) -> bytes:
    return bytes([objects.LONG]) + wire.i64(value)


def _counters() -> dict[bytes, bytes]:
    return {
        wire.string("requests"): _long(1_284_311),
        wire.string("errors"): bytes([objects.INT]) + wire.i32(42),
        wire.string("error-rate"): objects.write(0.0327),
        wire.string("budget-eur"): objects.write_decimal(decimal.Decimal("12500.75")),
        wire.string("maintenance"): objects.write(False),
        wire.string("last-deploy"): objects.write_timestamp(EPOCH - dt.timedelta(hours=5)),
        wire.string("build-id"): objects.write(uuid.UUID("6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e")),
    }


def _device_configs(rng: random.Random) -> dict[bytes, bytes]:
    found = {}
    for i in range(40):
        document = {"device": f"gw-{i:03d}", "interval_s": rng.choice([10, 30, 60]),
                    "sensors": rng.sample(["temp", "humidity", "co2", "noise", "lux"], 3),
                    "limits": {"temp_max": rng.randint(30, 45), "alarm": rng.random() < 0.3}}
        found[wire.string(f"gw-{i:03d}")] = wire.string(json.dumps(document))
    return found


def _people(store: Store, rng: random.Random) -> dict[bytes, bytes]:
    found = {}
    first = ["Ana", "Bruno", "Chen", "Dara", "Emil", "Farah", "Goran", "Hana", "Ivo", "Jun"]
    for i in range(1, 61):
        city = rng.choice(CITIES)
        address, address_fields = objects.complex_object("Address", [
            ("street", wire.string(f"{rng.randint(1, 200)} Harbour Road")),
            ("city", wire.string(city)), ("zip", wire.string(f"{rng.randint(1000, 9999)}"))])
        person, person_fields = objects.complex_object("Person", [
            ("id", bytes([objects.INT]) + wire.i32(i)),
            ("name", wire.string(f"{rng.choice(first)} {chr(65 + i % 26)}.")),
            ("email", wire.string(f"person{i}@example.org")),
            ("salary", _long(rng.randint(30, 120) * 1000)),
            ("active", objects.write(rng.random() < 0.8)),
            ("joined", objects.write_timestamp(EPOCH - dt.timedelta(days=rng.randint(1, 2000)))),
            ("address", address)])
        found[bytes([objects.INT]) + wire.i32(i)] = person
    store.register("Address", address_fields)
    store.register("Person", person_fields)
    return found


def _sessions(rng: random.Random) -> dict[bytes, bytes]:
    return {objects.write(uuid.UUID(int=rng.getrandbits(128), version=4)):
            objects.write_timestamp(EPOCH - dt.timedelta(minutes=rng.randint(0, 600)))
            for _ in range(25)}


def _telemetry(count: int, rng: random.Random) -> dict[bytes, bytes]:
    """``Long i`` → a JSON string; built with one ``pack`` per object (100,000 in ~0.3 s)."""
    sensors = ("temp", "humidity", "co2")
    key, head = struct.Struct("<bq"), struct.Struct("<bi")
    offset = rng.randrange(10_000)
    found = {}
    for i in range(count):
        text = (f'{{"device":"gw-{i % 400:03d}","sensor":"{sensors[i % 3]}",'
                f'"value":{(i * 7919 + offset) % 10_000 / 100:.2f}}}').encode()
        found[key.pack(objects.LONG, i)] = head.pack(objects.STRING, len(text)) + text
    return found


def _tables(store: Store, rows: int, rng: random.Random) -> None:
    with store.sql.session() as session:
        conn = session.connection("PUBLIC")
        conn.execute('CREATE TABLE "PUBLIC"."CITY" (ID INT, NAME VARCHAR, COUNTRY CHAR(3), '
                     "POPULATION BIGINT, PRIMARY KEY (ID))")
        conn.executemany('INSERT INTO "PUBLIC"."CITY" VALUES (?, ?, ?, ?)', [
            (3793, "New York", "USA", 8008278), (3794, "Los Angeles", "USA", 3694820),
            (3795, "Chicago", "USA", 2896016), (3796, "Houston", "USA", 1953631),
            (3797, "Philadelphia", "USA", 1517550), (3798, "Phoenix", "USA", 1321045),
            (3799, "San Diego", "USA", 1223400), (3800, "Dallas", "USA", 1188580)])
        conn.execute('CREATE TABLE "PUBLIC"."READINGS" (ID BIGINT, DEVICE VARCHAR, '
                     "SENSOR VARCHAR, READING DOUBLE, TAKEN TIMESTAMP, PRIMARY KEY (ID))")
        # Generated by sqlite itself: 100,000 rows in ~0.2 s, where binding each from Python
        # took 2 s of every sandbox start.
        conn.execute(
            'INSERT INTO "PUBLIC"."READINGS" '
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?) "
            "SELECT i, printf('gw-%03d', i % 400), "
            "CASE i % 3 WHEN 0 THEN 'temp' WHEN 1 THEN 'humidity' ELSE 'co2' END, "
            "((i * 7919 + ?) % 10000) / 100.0, "
            "datetime(?, printf('-%d seconds', 30 * i)) FROM n",
            (rows, rng.randrange(10_000), EPOCH.strftime("%Y-%m-%d %H:%M:%S")))
        tables.register(store, session, "PUBLIC", "CITY", {"TEMPLATE": "replicated"})
        tables.register(store, session, "PUBLIC", "READINGS", {"BACKUPS": "1"})
