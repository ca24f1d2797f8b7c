{% test not_greater_than(model, column_name, other_column) %}
{#- Rows where column_name > other_column (a range's lower bound above its upper); nulls pass. -#}

select *
from {{ model }}
where {{ column_name }} > {{ other_column }}

{% endtest %}
