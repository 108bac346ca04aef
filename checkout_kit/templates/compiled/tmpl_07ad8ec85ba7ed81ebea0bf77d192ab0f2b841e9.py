from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'receipt.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_order = resolve('order')
    l_0_reference = resolve('reference')
    l_0_interval = resolve('interval')
    l_0_site_url = resolve('site_url')
    l_0_support_email = resolve('support_email')
    l_0_shop_name = resolve('shop_name')
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
    yield 'Thank you for your order'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'):
        pass
        yield ', '
        yield str(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'))
    yield '!\n\nOrder '
    yield str((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield '\n\n'
    l_1_loop = missing
    for l_1_item, l_1_loop in LoopContext(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'), undefined):
        _loop_vars = {}
        pass
        yield '  '
        yield str(environment.getattr(l_1_item, 'quantity'))
        yield ' × '
        yield str(environment.getattr(l_1_item, 'description'))
        yield '  '
        yield str(t_2(context, (environment.getattr(environment.getitem(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'lines'), environment.getattr(l_1_loop, 'index0')), 'amount_subtotal') if (environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals') and (t_1(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'lines')) > environment.getattr(l_1_loop, 'index0'))) else environment.getattr(l_1_item, 'amount_total')), environment.getattr(l_1_item, 'currency')))
        yield '\n'
    l_1_loop = l_1_item = missing
    yield '\n'
    template = environment.get_template('_totals.txt', 'receipt.txt')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield 'Total paid: '
    yield str(t_2(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    if (environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'mode') == 'subscription'):
        pass
        yield ' per '
        yield str((undefined(name='interval') if l_0_interval is missing else l_0_interval))
    yield '\n'
    if (environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals') and environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'invoice_id')):
        pass
        if environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'invoice_url'):
            pass
            yield 'Your invoice: '
            yield str(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'invoice_url'))
            yield '\n'
        if environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'invoice_pdf'):
            pass
            yield 'Invoice PDF: '
            yield str(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'invoice_pdf'))
            yield '\n'
    template = environment.get_template('_fulfillment.txt', 'receipt.txt')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield 'Your order page has everything you bought, with fresh links: '
    yield str((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/orders.html\n\n'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'):
        pass
        yield 'Shipping to:\n  '
        yield str(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'name'))
        yield '\n  '
        yield str(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line1'))
        if environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line2'):
            pass
            yield ', '
            yield str(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line2'))
        yield '\n  '
        yield str(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'postal_code'))
        yield ' '
        yield str(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'city'))
        yield ', '
        yield str(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'country'))
        yield '\n'
    yield '\n'
    if (undefined(name='support_email') if l_0_support_email is missing else l_0_support_email):
        pass
        yield 'Questions? Reply to this email or write to '
        yield str((undefined(name='support_email') if l_0_support_email is missing else l_0_support_email))
        yield '.'
    yield '\n— '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '\n'

blocks = {}
debug_info = '1=30&3=35&5=38&6=42&9=50&10=57&12=63&13=65&15=70&18=75&19=82&21=84&23=87&24=89&26=95&29=102&31=108'