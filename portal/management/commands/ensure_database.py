"""Create the PostgreSQL database named in DATABASE_URL if it does not exist yet."""
import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg2 import sql


class Command(BaseCommand):
    help = "Create the configured PostgreSQL database if it is missing (idempotent)."

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        params = {"host": db.get("HOST") or None, "port": db.get("PORT") or None, "user": db.get("USER") or None,
                  "password": db.get("PASSWORD") or None, "dbname": "postgres"}
        try:
            conn = psycopg2.connect(**{k: v for k, v in params.items() if v is not None})
        except psycopg2.OperationalError as exc:
            raise CommandError(f"PostgreSQL is not reachable at {db.get('HOST')}:{db.get('PORT')}: {exc}") from exc
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cur.fetchone():
                self.stdout.write(f"Database {db['NAME']} exists.")
            else:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                self.stdout.write(self.style.SUCCESS(f"Created database {db['NAME']}."))
        conn.close()
