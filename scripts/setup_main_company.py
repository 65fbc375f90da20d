# Run inside `odoo shell` on a database with only `base`: the main company becomes a
# Finnish building-supplies wholesaler in EUR before accounting is installed, so that the
# Finnish chart of accounts is loaded for it.
company = env.ref("base.main_company")  # noqa: F821 (odoo shell provides env)
eur = env.ref("base.EUR")  # noqa: F821
eur.active = True
company.write(
    {
        "name": "Rakennustukku Aurora Oy",
        "country_id": env.ref("base.fi").id,  # noqa: F821
        "currency_id": eur.id,
        "city": "Tampere",
        "street": "Teollisuuskatu 12",
        "zip": "33100",
    }
)
env.cr.commit()  # noqa: F821
print("main company:", company.name, company.currency_id.name)
