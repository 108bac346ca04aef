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
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
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
        yield str(t_1(context, environment.getattr(l_1_item, 'amount_total'), environment.getattr(l_1_item, 'currency')))
        yield '\n'
    l_1_item = missing
    yield '\nTotal: '
    yield str(t_1(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
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
debug_info = '1=20&3=24&4=28&7=34&8=38&11=48&12=50&15=53&16=55&18=61&20=69&23=72'