from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'merchant_order.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_reference = resolve('reference')
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
    yield 'New order '
    yield str((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield ' ('
    yield str(('live' if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'livemode') else 'test mode'))
    yield ')\n\nCustomer: '
    yield str((environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name') or '—'))
    yield ' <'
    yield str((environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_email') or 'no email'))
    yield '>\n'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'client_reference_id'):
        pass
        yield 'Reference: '
        yield str(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'client_reference_id'))
        yield '\n'
    yield '\n'
    l_1_loop = missing
    for l_1_item, l_1_loop in LoopContext(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'), undefined):
        _loop_vars = {}
        pass
        yield '  '
        yield str(environment.getattr(l_1_item, 'quantity'))
        yield ' × '
        yield str(environment.getattr(l_1_item, 'description'))
        yield ' ['
        yield str(environment.getattr(l_1_item, 'fulfillment_type'))
        yield ']  '
        yield str(t_2(context, (environment.getattr(environment.getitem(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'lines'), environment.getattr(l_1_loop, 'index0')), 'amount_subtotal') if (environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals') and (t_1(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'lines')) > environment.getattr(l_1_loop, 'index0'))) else environment.getattr(l_1_item, 'amount_total')), environment.getattr(l_1_item, 'currency')))
        yield '\n'
    l_1_loop = l_1_item = missing
    yield '\n'
    template = environment.get_template('_totals.txt', 'merchant_order.txt')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield 'Total: '
    yield str(t_2(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield '\n'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'):
        pass
        yield '\nShip to:\n  '
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
        if environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'state'):
            pass
            yield ', '
            yield str(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'state'))
        yield '\n  '
        yield str(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'country'))
        yield '\n'
    yield '\nCheckout Session: '
    yield str(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'session_id'))
    yield '\n'

blocks = {}
debug_info = '1=26&3=30&4=34&7=41&8=45&11=55&12=62&13=64&16=67&17=69&19=75&21=83&24=86'