def migrate(cr, version):
    """The reason of the computed class is built when shown (18.0.1.1.0): drop the stored
    texts, which made every partner row heavier to read and to write."""
    if not version:
        return
    cr.execute("ALTER TABLE res_partner DROP COLUMN IF EXISTS abc_class_reason")
