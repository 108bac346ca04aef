from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'payment_failed.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_order = resolve('order')
    l_0_reference = resolve('reference')
    l_0_site_url = resolve('site_url')
    l_0_support_email = resolve('support_email')
    l_0_shop_name = resolve('shop_name')
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield 'Hello'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'):
        pass
        yield ' '
        yield str(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'))
    yield ',\n\nyour bank payment of '
    yield str(t_1(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield ' for order '
    yield str((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield ' did not go through, so the order is not complete and nothing was charged.\n\n'
    for l_1_item in environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'):
        _loop_vars = {}
        pass
        yield '  '
        yield str(environment.getattr(l_1_item, 'quantity'))
        yield ' × '
        yield str(environment.getattr(l_1_item, 'description'))
        yield '\n'
    l_1_item = missing
    yield '\nYou can place the order again at '
    yield str((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/ with another payment method.\n'
    if (undefined(name='support_email') if l_0_support_email is missing else l_0_support_email):
        pass
        yield 'If you think this is a mistake, write to '
        yield str((undefined(name='support_email') if l_0_support_email is missing else l_0_support_email))
        yield '.'
    yield '\n— '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '\n'

blocks = {}
debug_info = '1=23&3=28&5=32&6=36&9=42&10=44&12=50'