from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_items.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_order = resolve('order')
    l_0_interval = resolve('interval')
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield '<table role="presentation" style="width:100%;border-collapse:collapse;margin:16px 0;">\n'
    for l_1_item in environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'):
        _loop_vars = {}
        pass
        yield '<tr>\n<td style="padding:8px 0;border-bottom:1px solid #e3e8ee;">'
        yield escape(environment.getattr(l_1_item, 'description'))
        yield '<br><span style="color:#5b6275;font-size:13px;">Qty '
        yield escape(environment.getattr(l_1_item, 'quantity'))
        yield '</span></td>\n<td style="padding:8px 0;border-bottom:1px solid #e3e8ee;text-align:right;white-space:nowrap;">'
        yield escape(t_1(context, environment.getattr(l_1_item, 'amount_total'), environment.getattr(l_1_item, 'currency')))
        yield '</td>\n</tr>\n'
    l_1_item = missing
    yield '<tr><td style="padding:12px 0;font-weight:700;">Total</td><td style="padding:12px 0;text-align:right;font-weight:700;">'
    yield escape(t_1(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    if (environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'mode') == 'subscription'):
        pass
        yield ' / '
        yield escape((undefined(name='interval') if l_0_interval is missing else l_0_interval))
    yield '</td></tr>\n</table>\n'

blocks = {}
debug_info = '2=20&4=24&5=28&8=32'