"""The compliance calendar: SEC filing rules as data, and a company's year of deadlines from them."""
