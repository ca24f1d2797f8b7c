{% test unique_combination_of_columns(model, combination_of_columns) %}
{#- Rows sharing one combination of the columns: the model's grain is those columns together. -#}

select {{ combination_of_columns | join(', ') }}, count(*) as rows_sharing
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
