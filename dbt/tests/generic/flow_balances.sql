{% test flow_balances(model, cell, day) %}
{#- Rows of a daily flow table where open_postings != the cell's previous row's open_postings + new_postings -
    closed_postings (the first row of a cell starts from 0), or where open_postings is negative. -#}

with ordered as (

    select
        *,
        coalesce(lag(open_postings) over (partition by {{ cell | join(', ') }} order by {{ day }}), 0) as open_before

    from {{ model }}

)

select *
from ordered
where open_postings != open_before + new_postings - closed_postings
   or open_postings < 0

{% endtest %}
