from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_items.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_order = resolve('order')
    try:
        t_1 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_2 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield '<table role="presentation" style="width:100%;border-collapse:collapse;margin:16px 0;">\n'
    l_1_loop = missing
    for l_1_item, l_1_loop in LoopContext(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'), undefined):
        _loop_vars = {}
        pass
        yield '<tr>\n<td style="padding:8px 0;border-bottom:1px solid #e3e8ee;">'
        yield escape(environment.getattr(l_1_item, 'description'))
        yield '<br><span style="color:#5b6275;font-size:13px;">Qty '
        yield escape(environment.getattr(l_1_item, 'quantity'))
        yield '</span></td>\n<td style="padding:8px 0;border-bottom:1px solid #e3e8ee;text-align:right;white-space:nowrap;">'
        yield escape(t_2(context, (environment.getattr(environment.getitem(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'lines'), environment.getattr(l_1_loop, 'index0')), 'amount_subtotal') if (environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals') and (t_1(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'lines')) > environment.getattr(l_1_loop, 'index0'))) else environment.getattr(l_1_item, 'amount_total')), environment.getattr(l_1_item, 'currency')))
        yield '</td>\n</tr>\n'
    l_1_loop = l_1_item = missing
    template = environment.get_template('_totals.html', '_items.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield '</table>\n'

blocks = {}
debug_info = '2=26&4=30&5=34&8=37'