"""What people read of a plan: key figures, reports, screen figures and the decree.

Every key figure in one module, the HTML report, the figures of a screen, plain-text tables,
the decree attachment, and the escaping of every spreadsheet made for people.
"""
