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
    l_0_to_ship = missing
    try:
        t_1 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_2 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_3 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    try:
        t_4 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    try:
        t_5 = environment.filters['sum']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'sum' found.")
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
        yield str(t_3(context, (environment.getattr(environment.getitem(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'lines'), environment.getattr(l_1_loop, 'index0')), 'amount_subtotal') if (environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals') and (t_1(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'lines')) > environment.getattr(l_1_loop, 'index0'))) else environment.getattr(l_1_item, 'amount_total')), environment.getattr(l_1_item, 'currency')))
        yield '\n'
    l_1_loop = l_1_item = missing
    yield '\n'
    template = environment.get_template('_totals.txt', 'merchant_order.txt')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'to_ship': l_0_to_ship}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield 'Total: '
    yield str(t_3(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield '\n'
    l_0_to_ship = t_2(context.eval_ctx, t_4(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'), 'fulfillment_type', 'equalto', 'shipment'))
    context.vars['to_ship'] = l_0_to_ship
    context.exported_vars.add('to_ship')
    if (undefined(name='to_ship') if l_0_to_ship is missing else l_0_to_ship):
        pass
        yield '\nTo ship ('
        yield str(t_5(environment, (undefined(name='to_ship') if l_0_to_ship is missing else l_0_to_ship), attribute='quantity'))
        yield ' item'
        yield str(('s' if (t_5(environment, (undefined(name='to_ship') if l_0_to_ship is missing else l_0_to_ship), attribute='quantity') != 1) else cond_expr_undefined("the inline if-expression on line 16 in 'merchant_order.txt' evaluated to false and no else section was defined.")))
        yield '):\n'
        for l_1_item in (undefined(name='to_ship') if l_0_to_ship is missing else l_0_to_ship):
            _loop_vars = {}
            pass
            yield '  [ ] '
            yield str(environment.getattr(l_1_item, 'quantity'))
            yield ' × '
            yield str(environment.getattr(l_1_item, 'description'))
            yield '\n'
        l_1_item = missing
        yield 'When it has left: python -m checkout_kit orders ship '
        yield str((undefined(name='reference') if l_0_reference is missing else l_0_reference))
        yield ' --carrier NAME --tracking NUMBER\n'
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
debug_info = '1=45&3=49&4=53&7=60&8=64&11=74&12=81&13=83&14=86&16=89&17=93&18=97&20=103&22=105&25=108&26=110&28=116&30=124&33=127'