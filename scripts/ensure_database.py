"""Create the PostgreSQL database named in the DATABASE_URL-style argv[1] if it is missing (for make bench).

Exit 0 when it exists afterwards, 1 (with a message) when the server cannot be reached or refuses."""

import sys

import dj_database_url
import psycopg
from psycopg import sql

config = dj_database_url.parse(sys.argv[1])
if "postgresql" not in config["ENGINE"]:
    sys.exit(0)
try:
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        connect_timeout=3,
        autocommit=True,
    ) as connection:
        name = config["NAME"]
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")
except psycopg.Error as error:
    print(f"PostgreSQL at {sys.argv[1]} is not usable: {error}", file=sys.stderr)
    sys.exit(1)
