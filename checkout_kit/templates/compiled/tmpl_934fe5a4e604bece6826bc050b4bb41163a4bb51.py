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
        t_1 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_2 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    try:
        t_3 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    try:
        t_4 = environment.filters['sum']
    except KeyError:
        @internalcode
        def t_4(*unused):
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
    for l_1_item in environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'):
        _loop_vars = {}
        pass
        yield '  '
        yield str(environment.getattr(l_1_item, 'quantity'))
        yield ' × '
        yield str(environment.getattr(l_1_item, 'description'))
        yield ' ['
        yield str(environment.getattr(l_1_item, 'fulfillment_type'))
        yield ']  '
        yield str(t_2(context, environment.getattr(l_1_item, 'amount_total'), environment.getattr(l_1_item, 'currency')))
        yield '\n'
    l_1_item = missing
    yield '\nTotal: '
    yield str(t_2(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield '\n'
    l_0_to_ship = t_1(context.eval_ctx, t_3(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'), 'fulfillment_type', 'equalto', 'shipment'))
    context.vars['to_ship'] = l_0_to_ship
    context.exported_vars.add('to_ship')
    if (undefined(name='to_ship') if l_0_to_ship is missing else l_0_to_ship):
        pass
        yield '\nTo ship ('
        yield str(t_4(environment, (undefined(name='to_ship') if l_0_to_ship is missing else l_0_to_ship), attribute='quantity'))
        yield ' item'
        yield str(('s' if (t_4(environment, (undefined(name='to_ship') if l_0_to_ship is missing else l_0_to_ship), attribute='quantity') != 1) else cond_expr_undefined("the inline if-expression on line 15 in 'merchant_order.txt' evaluated to false and no else section was defined.")))
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
debug_info = '1=39&3=43&4=47&7=53&8=57&11=67&12=69&13=72&15=75&16=79&17=83&19=89&21=91&24=94&25=96&27=102&29=110&32=113'