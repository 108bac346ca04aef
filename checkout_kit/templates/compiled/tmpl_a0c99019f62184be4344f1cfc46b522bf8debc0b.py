from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_totals.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_order = resolve('order')
    l_0_t = missing
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    l_0_t = environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals')
    context.vars['t'] = l_0_t
    context.exported_vars.add('t')
    if ((undefined(name='t') if l_0_t is missing else l_0_t) and (((environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_discount') or environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_shipping')) or environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_tax')) or environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'shipping_label'))):
        pass
        yield 'Subtotal: '
        yield str(t_1(context, environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_subtotal'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
        yield '\n'
        if environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_discount'):
            pass
            yield 'Discount'
            if environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'discount_label'):
                pass
                yield ' ('
                yield str(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'discount_label'))
                yield ')'
            yield ': -'
            yield str(t_1(context, environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_discount'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
            yield '\n'
        if (environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_shipping') or environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'shipping_label')):
            pass
            yield 'Shipping'
            if environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'shipping_label'):
                pass
                yield ' ('
                yield str(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'shipping_label'))
                yield ')'
            yield ': '
            yield str(t_1(context, environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_shipping'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
            yield '\n'
        if environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_tax'):
            pass
            yield 'Tax: '
            yield str(t_1(context, environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_tax'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
            yield '\n'

blocks = {}
debug_info = '1=19&2=22&3=25&4=27&6=38&8=49'