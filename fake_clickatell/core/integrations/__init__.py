"""What Clickatell's Platform and One API share: integrations and their API keys, the fields of
a send, recipients as they write them, and how each renders the one message lifecycle.

:mod:`.statuses` (the status table), :mod:`.numbers` (recipients), :mod:`.keys` (API keys),
:mod:`.sends` (a send's fields -> message options and body, the two-way ``from`` rules),
:mod:`.hooks` (what their callbacks share).
"""
