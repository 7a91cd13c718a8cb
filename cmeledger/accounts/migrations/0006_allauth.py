"""Accounts move to django-allauth: the home-written throttle's table goes (allauth's
rate limits count in the cache, whose table is made here), and every existing user gets
allauth's record of their address, confirmed only if email_confirmed_at says so."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The database cache holds the rate limits (settings.CACHES); makes nothing when the
    # cache is elsewhere or the table exists.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def add_email_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    db = schema_editor.connection.alias
    has_one = set(EmailAddress.objects.using(db).values_list("user_id", flat=True))
    rows = [
        EmailAddress(
            user_id=user_id,
            email=email.lower(),
            primary=True,
            verified=confirmed_at is not None,
        )
        for user_id, email, confirmed_at in User.objects.using(db)
        .values_list("id", "email", "email_confirmed_at")
        .iterator()
        if user_id not in has_one and email
    ]
    EmailAddress.objects.using(db).bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_identifier_states"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.DeleteModel(name="LoginFailure"),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
        migrations.RunPython(add_email_addresses, migrations.RunPython.noop),
    ]
