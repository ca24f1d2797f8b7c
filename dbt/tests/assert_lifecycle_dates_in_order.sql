-- every posting: first_seen <= current_opened_on <= last_seen < closed_on (closed_on null while open)
select *
from {{ ref('fct_posting_lifecycle') }}
where not (first_seen <= current_opened_on and current_opened_on <= last_seen)
   or closed_on <= last_seen
   or (closed_on is null) != is_open
