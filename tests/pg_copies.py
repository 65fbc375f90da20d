"""Committed databases for the plain-pytest stages (tests/faults, tests/queue_runner),
whose Odoo runs in other processes and so cannot see a test transaction: SQL on what is
committed, copies of a template (``createdb -T``) and their cleanup."""

import subprocess

import psycopg2

COPIES = []
_CONNECTIONS = {}


def sql(db, query, params=None):
    """Rows of ``query`` on ``db`` (autocommit: what is committed). One connection per
    database, kept for the polls; ``disconnect`` before ``createdb -T`` copies it."""
    conn = _CONNECTIONS.get(db)
    if conn is None or conn.closed:
        conn = _CONNECTIONS[db] = psycopg2.connect(dbname=db)
        conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(query, params)
        return cr.fetchall() if cr.description else None


def disconnect(db):
    conn = _CONNECTIONS.pop(db, None)
    if conn is not None:
        conn.close()


def db_exists(name):
    return bool(sql("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [name]))


def copy_db(template, name):
    """``name`` as a fresh copy of ``template`` (dropped first), remembered for
    ``drop_copies``."""
    disconnect(template)
    disconnect(name)
    COPIES.append(name)
    subprocess.run(["dropdb", "--if-exists", name], check=True, capture_output=True)
    subprocess.run(["createdb", "-T", template, name], check=True)
    return name


def drop_copies(keep=()):
    """Drop the copies made by ``copy_db``, newest first, but those in ``keep``."""
    for name in reversed(COPIES):
        if name not in keep:
            disconnect(name)
            subprocess.run(["dropdb", "--if-exists", name], check=False, capture_output=True)
