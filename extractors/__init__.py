"""Raw documents to records: exam questions, case reports, PDF figures with captions."""
