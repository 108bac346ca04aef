from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_membership_lines.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_lines = resolve('lines')
    l_0_paid_label = resolve('paid_label')
    l_0_amount = resolve('amount')
    l_0_currency = resolve('currency')
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield '<table role="presentation" style="width:100%;border-collapse:collapse;margin:16px 0;">\n'
    for l_1_line in (undefined(name='lines') if l_0_lines is missing else l_0_lines):
        _loop_vars = {}
        pass
        yield '<tr>\n<td style="padding:8px 0;border-bottom:1px solid #e3e8ee;">'
        yield escape(environment.getattr(l_1_line, 'description'))
        yield '</td>\n<td style="padding:8px 0;border-bottom:1px solid #e3e8ee;text-align:right;white-space:nowrap;">'
        yield escape(t_1(context, environment.getattr(l_1_line, 'amount'), environment.getattr(l_1_line, 'currency')))
        yield '</td>\n</tr>\n'
    l_1_line = missing
    yield '<tr><td style="padding:12px 0;font-weight:700;">'
    yield escape((undefined(name='paid_label') if l_0_paid_label is missing else l_0_paid_label))
    yield '</td><td style="padding:12px 0;text-align:right;font-weight:700;">'
    yield escape(t_1(context, (undefined(name='amount') if l_0_amount is missing else l_0_amount), (undefined(name='currency') if l_0_currency is missing else l_0_currency)))
    yield '</td></tr>\n</table>\n'

blocks = {}
debug_info = '2=22&4=26&5=28&8=32'