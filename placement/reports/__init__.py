"""What people read: key figures, the HTML report, screen figures, the decree attachment and the
escaping of every spreadsheet made for people."""
