"""The service's database: tables, migrations, frozen records and one repository per kind of
record, reached through :class:`api.db.store.Store`."""
