"""The database by aggregate: one repository per group of tables that change together."""
