from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'shipped.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_order = resolve('order')
    l_0_reference = resolve('reference')
    l_0_shipped = resolve('shipped')
    l_0_carrier = resolve('carrier')
    l_0_tracking_number = resolve('tracking_number')
    l_0_site_url = resolve('site_url')
    l_0_shop_name = resolve('shop_name')
    pass
    yield 'Hello'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'):
        pass
        yield ' '
        yield str(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'))
    yield ',\n\nyour order '
    yield str((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield ' is on its way:\n\n'
    for l_1_description in (undefined(name='shipped') if l_0_shipped is missing else l_0_shipped):
        _loop_vars = {}
        pass
        yield '  '
        yield str(l_1_description)
        yield '\n'
    l_1_description = missing
    yield '\nCarrier: '
    yield str((undefined(name='carrier') if l_0_carrier is missing else l_0_carrier))
    yield '\nTracking number: '
    yield str((undefined(name='tracking_number') if l_0_tracking_number is missing else l_0_tracking_number))
    yield '\n'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'):
        pass
        yield '\nShipping to:\n  '
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
    yield '\nYour orders, with their tracking, are also on '
    yield str((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/orders.html.\n\n— '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '\n'

blocks = {}
debug_info = '1=19&3=24&5=26&6=30&9=34&10=36&11=38&14=41&15=43&17=49&20=56&22=58'