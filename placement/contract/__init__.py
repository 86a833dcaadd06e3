"""What a valid input is (CONTRACT §1–§2): the dataset and policy, and how files become them.

Enumerations, calendar arithmetic, the dataset and its canonical form, the policy, the readers
of the three file forms and the validation of the tables they read.
"""
