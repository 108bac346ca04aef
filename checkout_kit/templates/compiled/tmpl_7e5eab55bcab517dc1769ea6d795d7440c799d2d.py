from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'shipped.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'shipped.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'Your order has shipped'
    context.vars['title'] = l_0_title
    context.exported_vars.add('title')
    yield from parent_template.root_render_func(context)

def block_body(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_reference = resolve('reference')
    l_0_shipped = resolve('shipped')
    l_0_carrier = resolve('carrier')
    l_0_tracking_number = resolve('tracking_number')
    l_0_order = resolve('order')
    l_0_site_url = resolve('site_url')
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">Your order is on its way</h1>\n<p style="margin:0;color:#5b6275;">Order '
    yield escape((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield '</p>\n<ul>'
    for l_1_description in (undefined(name='shipped') if l_0_shipped is missing else l_0_shipped):
        _loop_vars = {}
        pass
        yield '<li>'
        yield escape(l_1_description)
        yield '</li>'
    l_1_description = missing
    yield '</ul>\n<p>Carrier: <strong>'
    yield escape((undefined(name='carrier') if l_0_carrier is missing else l_0_carrier))
    yield '</strong><br>Tracking number: <strong>'
    yield escape((undefined(name='tracking_number') if l_0_tracking_number is missing else l_0_tracking_number))
    yield '</strong></p>\n'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'):
        pass
        yield '<p style="margin:16px 0 0;"><strong>Shipping to</strong><br>'
        yield escape(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'name'))
        yield '<br>'
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line1'))
        if environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line2'):
            pass
            yield ', '
            yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line2'))
        yield '<br>'
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'postal_code'))
        yield ' '
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'city'))
        yield ', '
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'country'))
        yield '</p>\n'
    yield '<p style="color:#5b6275;font-size:13px;">Your orders, with their tracking, are also on <a href="'
    yield escape((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/orders.html">your order page</a>.</p>\n'

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&5=36&6=38&7=46&8=50&9=53&11=68'